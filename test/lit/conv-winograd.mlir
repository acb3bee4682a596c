// The Winograd generator's IR: one scratch allocation holding U (run-time
// filter transform), V and M; vectors of 16 channels / filters; the batched
// GEMMs as a reduction loop of broadcasts and FMAs; masked accumulation into
// the output. Constant weights become a transformed constant global, and an
// F(4x4,3x3) config on a 3-channel layer is refused for its error.
// RUN: not autoconfig-opt %s --split-input-file --autoconfig-generate="target=x86-avx512" --canonicalize --cse -o - 2>/dev/null | FileCheck %s
// RUN: not autoconfig-opt %s --split-input-file --autoconfig-generate="target=x86-avx512" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR

// NHWC/HWCF, F(2x2,3x3), weights known only at run time.
// CHECK-LABEL: func.func @nhwc_runtime_f2(
// CHECK-SAME:      %[[X:.*]]: memref<1x6x6x16xf32>, %[[W:.*]]: memref<3x3x16x16xf32>, %[[Y:.*]]: memref<1x4x4x16xf32>
// CHECK-NOT:   linalg.conv
// CHECK:       %[[SCRATCH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xi8>
// U: 4x4 transformed positions x 1 panel x 16 channels x 16 filters; the
// 1 KiB position slices are padded by a cache line (stride 272, not 256).
// CHECK:       %[[UFLAT:.*]] = memref.view %[[SCRATCH]][%{{.*}}][] : memref<{{[0-9]+}}xi8> to memref<4352xf32>
// CHECK:       %[[U:.*]] = memref.reinterpret_cast %[[UFLAT]] to offset: [0], sizes: [16, 1, 16, 16], strides: [272, 256, 16, 1]
// The filter transform: per channel, 9 filter vectors in (all 16 filters
// live: the masks fold away), 16 U vectors out.
// CHECK:       scf.for
// CHECK-COUNT-9: vector.load %[[W]]
// CHECK-COUNT-16: vector.store %{{.*}}, %[[U]]
// V and M: 16 positions x 4 tiles x 16 channels / filters.
// CHECK:       %[[V:.*]] = memref.reinterpret_cast %{{.*}} sizes: [16, 4, 16], strides: [64, 16, 1]
// CHECK:       %[[M:.*]] = memref.reinterpret_cast %{{.*}} sizes: [16, 4, 16], strides: [64, 16, 1]
// The input transform reads 16 pixels of 16 channels (masked at the
// border) and writes 16 transformed vectors.
// CHECK-COUNT-16: vector.maskedload %[[X]]
// CHECK-COUNT-16: vector.store %{{.*}}, %[[V]]
// The GEMMs: for each position, a 4-tile x 16-filter register tile over the
// 16 channels, broadcasting V and loading U.
// CHECK:       scf.for
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           vector.load %[[U]]
// CHECK:           memref.load %[[V]]
// CHECK:           vector.broadcast
// CHECK:           vector.fma
// CHECK-COUNT-4: vector.store %{{.*}}, %[[M]]
// The output transform: 16 M vectors per tile, 2x2 pixels added into y.
// CHECK-COUNT-16: vector.load %[[M]]
// CHECK-COUNT-4: vector.maskedstore %[[Y]]
// CHECK:       memref.dealloc %[[SCRATCH]]
// CHECK:       return
func.func @nhwc_runtime_f2(%x: memref<1x6x6x16xf32>, %w: memref<3x3x16x16xf32>, %y: memref<1x4x4x16xf32>) {
  linalg.conv_2d_nhwc_hwcf {autoconfig.config = "winograd m=2 vl=16 tbh=2 tbw=2 mr=4 nr=16 nc=16 kc=16 ku=1 threads=1", dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x6x6x16xf32>, memref<3x3x16x16xf32>) outs(%y : memref<1x4x4x16xf32>)
  return
}

// -----

// NCHW/FCHW, F(4x4,3x3), constant weights: U = G g G^T is computed at
// compile time into a new constant global; nothing reads the filter at run
// time. The NCHW input is transposed 16 channels x 16 columns at a time.
// CHECK:       memref.global "private" constant @__autoconfig_winograd_f4_u : memref<9792xf32> = dense<
// CHECK-LABEL: func.func @nchw_constant_f4(
// CHECK-SAME:      %[[X:.*]]: memref<1x16x6x6xf32>, %[[Y:.*]]: memref<1x16x4x4xf32>
// CHECK-NOT:   linalg.conv
// CHECK-NOT:   memref.get_global @weights
// CHECK:       %[[UFLAT:.*]] = memref.get_global @__autoconfig_winograd_f4_u : memref<9792xf32>
// CHECK:       %[[U:.*]] = memref.reinterpret_cast %[[UFLAT]] to offset: [0], sizes: [36, 1, 16, 16], strides: [272, 256, 16, 1]
// CHECK:       %[[SCRATCH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xi8>
// CHECK-NOT:   memref.get_global @weights
// CHECK-COUNT-16: vector.maskedload %[[X]]
// CHECK:       vector.shuffle
// CHECK:       vector.load %[[U]]
// CHECK:       vector.fma
// The output tile goes back through a transpose into y's rows.
// CHECK:       vector.shuffle
// CHECK:       vector.maskedstore %[[Y]]
// CHECK:       memref.dealloc %[[SCRATCH]]
memref.global "private" constant @weights : memref<16x16x3x3xf32> = dense<0.5>
func.func @nchw_constant_f4(%x: memref<1x16x6x6xf32>, %y: memref<1x16x4x4xf32>) {
  %w = memref.get_global @weights : memref<16x16x3x3xf32>
  linalg.conv_2d_nchw_fchw {autoconfig.config = "winograd m=4 vl=16 tbh=1 tbw=1 mr=1 nr=16 nc=16 kc=16 ku=1 threads=1", dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x6x6xf32>, memref<16x16x3x3xf32>) outs(%y : memref<1x16x4x4xf32>)
  return
}

// -----

// Three channels: F(4x4,3x3) would amplify rounding past the tolerance.
// ERR: error: autoconfig: config 'winograd m=4 {{.*}}' rejected: m=4: expected max error {{.*}} of F(4x4,3x3) for C=3 exceeds half the tolerance {{.*}}; use m=2
func.func @few_channels(%x: memref<1x3x8x8xf32>, %w: memref<8x3x3x3xf32>, %y: memref<1x8x6x6xf32>) {
  linalg.conv_2d_nchw_fchw {autoconfig.config = "winograd m=4 vl=16 tbh=1 tbw=2 mr=2 nr=16 nc=16 kc=3 ku=1 threads=1", dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xf32>, memref<8x3x3x3xf32>) outs(%y : memref<1x8x6x6xf32>)
  return
}
