// A convolution kernel on memrefs of dynamic sizes, driven with the sizes of
// the moment (the way buddy-benchmark writes its op kernels).
func.func @conv(%input: memref<?x?x?x?xf32>, %filter: memref<?x?x?x?xf32>, %output: memref<?x?x?x?xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%input, %filter : memref<?x?x?x?xf32>, memref<?x?x?x?xf32>)
    outs(%output : memref<?x?x?x?xf32>)
  return
}
