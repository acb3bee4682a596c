// Every pass of Passes.td is registered in autoconfig-opt and runs from its
// textual options: layout propagation (forced), normalization, fusion,
// configure, generate, the streaming lowering and the profile calls.

// RUN: autoconfig-opt %s --autoconfig-normalize-idioms --autoconfig-propagate-layout="target=x86-avx512 always=true" | FileCheck %s --check-prefix=LAYOUT
// RUN: autoconfig-opt %s --autoconfig-fuse-elementwise --autoconfig-propagate-layout="target=x86-avx512" | FileCheck %s --check-prefix=DECIDED
// RUN: autoconfig-opt %s --autoconfig-configure="target=x86-avx2 threads=1" --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --autoconfig-fuse-epilogues --autoconfig-generate="target=x86-avx2 outline=true" --autoconfig-lower-streaming="target=x86-avx2" --autoconfig-instrument-profile | FileCheck %s --check-prefix=PIPELINE

// LAYOUT: linalg.conv_2d_nhwc_hwcf {autoconfig.layout = #autoconfig.layout<"nhwc", "this convolution {{.*}}">
// DECIDED: autoconfig.layout = #autoconfig.layout<"{{nhwc|nchw}}", "this convolution {{.*}} in NCHW, {{.*}} in NHWC;
// PIPELINE-DAG: func.func private @__autoconfig_kernel_
// PIPELINE-DAG: func.func private @autoconfig_profile_enter(i64)
// PIPELINE-NOT: linalg.conv_2d

func.func @conv(%x: tensor<1x8x10x10xf32>, %w: tensor<16x8x3x3xf32>)
    -> tensor<1x16x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x16x8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x16x8x8xf32>)
      -> tensor<1x16x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw
      {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>)
      outs(%init : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}
