// Two NCHW depthwise convolutions with a ReLU between them, on tensors, for
// layout-propagation.test.
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
func.func @forward(%x: tensor<1x4x19x19xf32>) -> tensor<1x4x7x7xf32> {
  %w1 = arith.constant dense<[[[-0.26, 0.04, -0.13], [0.10, 0.13, -0.43], [-0.49, 0.34, -0.24]], [[-0.27, 0.50, -0.03], [0.34, -0.02, 0.14], [-0.35, 0.13, 0.37]], [[0.02, 0.24, 0.17], [-0.44, 0.26, 0.09], [-0.20, -0.47, 0.37]], [[-0.03, 0.22, 0.38], [0.21, 0.42, -0.11], [0.30, -0.06, 0.44]]]> : tensor<4x3x3xf32>
  %w2 = arith.constant dense<[[[0.38, -0.40, -0.36], [-0.28, 0.47, -0.06], [0.13, -0.20, 0.01]], [[-0.11, -0.15, 0.09], [0.08, 0.40, 0.18], [0.43, 0.36, 0.49]], [[0.17, -0.34, 0.36], [0.46, 0.40, 0.07], [0.21, -0.29, 0.33]], [[0.07, -0.22, -0.44], [0.35, 0.49, -0.41], [0.30, -0.09, -0.35]]]> : tensor<4x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x4x9x9xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x4x9x9xf32>) -> tensor<1x4x9x9xf32>
  %c1 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w1 : tensor<1x4x19x19xf32>, tensor<4x3x3xf32>) outs(%i1 : tensor<1x4x9x9xf32>) -> tensor<1x4x9x9xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1 : tensor<1x4x9x9xf32>) outs(%e1 : tensor<1x4x9x9xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x9x9xf32>
  %e2 = tensor.empty() : tensor<1x4x7x7xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %c2 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r1, %w2 : tensor<1x4x9x9xf32>, tensor<4x3x3xf32>) outs(%i2 : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  return %c2 : tensor<1x4x7x7xf32>
}
