// A transpose feeding a matmul operand becomes the operand's indexing map
// (the transposed-B and transposed-A variants): no transpose is left to run,
// whether it is a transposing linalg.generic (torch-mlir's linear layer) or
// linalg.transpose, on a constant or on a runtime value.
// RUN: autoconfig-opt %s --autoconfig-normalize-idioms | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[QB:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[KTB:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[SB:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @linear(
// CHECK-SAME:      %[[X:.*]]: tensor<4x16xf32>
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<8x16xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[X]], %[[W]] : tensor<4x16xf32>, tensor<8x16xf32>)
func.func @linear(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 17.0]]> : tensor<8x16xf32>
  %e = tensor.empty() : tensor<16x8xf32>
  %wt = linalg.generic {indexing_maps = [#id, #tr], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<8x16xf32>) outs(%e : tensor<16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = tensor.empty() : tensor<4x8xf32>
  %c = linalg.fill ins(%zero : f32) outs(%c0 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x16xf32>, tensor<16x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// A runtime A given transposed, through linalg.transpose.
// CHECK-LABEL: func.func @transposed_a(
// CHECK-SAME:      %[[AT_ARG:[^:]*]]: tensor<16x4xf32>, %[[B:[^:]*]]: tensor<16x8xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.matmul indexing_maps = [#[[AT]], #{{.*}}, #[[C]]] ins(%[[AT_ARG]], %[[B]] : tensor<16x4xf32>, tensor<16x8xf32>)
func.func @transposed_a(%at: tensor<16x4xf32>, %b: tensor<16x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %a = linalg.transpose ins(%at : tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Attention's K^T: a batch matmul reading B through a transpose of its last
// two dimensions.
// CHECK-LABEL: func.func @attention_scores(
// CHECK-SAME:      %[[Q:[^:]*]]: tensor<2x8x16xf32>, %[[K:[^:]*]]: tensor<2x8x16xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.batch_matmul indexing_maps = [#[[QB]], #[[KTB]], #[[SB]]] ins(%[[Q]], %[[K]] :
func.func @attention_scores(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>, %s: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %e = tensor.empty() : tensor<2x16x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x8x16xf32>) outs(%e : tensor<2x16x8xf32>) permutation = [0, 2, 1]
  %y = linalg.batch_matmul ins(%q, %kt : tensor<2x8x16xf32>, tensor<2x16x8xf32>) outs(%s : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}

// A transpose that moves the batch dimension is no operand layout: kept.
// CHECK-LABEL: func.func @batch_moved(
// CHECK:         linalg.transpose
// CHECK:         linalg.batch_matmul ins(
func.func @batch_moved(%q: tensor<2x8x16xf32>, %k: tensor<16x2x8xf32>, %s: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %e = tensor.empty() : tensor<2x16x8xf32>
  %kt = linalg.transpose ins(%k : tensor<16x2x8xf32>) outs(%e : tensor<2x16x8xf32>) permutation = [1, 0, 2]
  %y = linalg.batch_matmul ins(%q, %kt : tensor<2x8x16xf32>, tensor<2x16x8xf32>) outs(%s : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}
