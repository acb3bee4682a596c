// Two public functions that nothing calls: `run` lists them and asks for
// --entry; an --entry that does not exist is named.
// RUN: not autoconfig run %s --nominal 2>&1 | FileCheck %s
// CHECK: error: several functions could be the entry (@first, @second): name one with --entry
// RUN: not autoconfig run %s --nominal --entry third 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: no function @third with a body
func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
