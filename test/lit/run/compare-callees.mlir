// An entry that returns nothing (a `main` that only prints, as mlir-runner
// programs are written): `--compare` calls what it calls (here a private
// function with a matmul and an epilogue) in both lowerings on the same
// generated inputs and compares their results; a callee without results, or
// one taking what cannot be generated (a dynamic shape, a scalar), is not
// compared.
// RUN: autoconfig run %s --nominal --compare | FileCheck %s
// CHECK: default lowering: @main returns nothing; what it calls (@kernel) on generated inputs: max error {{.*}} of the output's scale: match{{$}}
// RUN: autoconfig run %s --nominal --compare --json | FileCheck %s --check-prefix=JSON
// JSON: "compared_callees":[{"function":"kernel","max_rel_err":{{.*}}}]{{.*}}"matches_default":true
func.func private @printMemrefF32(tensor<*xf32>)

func.func private @kernel(%a: tensor<24x64xf32>, %b: tensor<64x40xf32>) -> tensor<24x40xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<24x40xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<24x40xf32>) -> tensor<24x40xf32>
  %m = linalg.matmul ins(%a, %b : tensor<24x64xf32>, tensor<64x40xf32>) outs(%f : tensor<24x40xf32>) -> tensor<24x40xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<24x40xf32>) outs(%e : tensor<24x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %d = arith.addf %one, %ex : f32
    %r = arith.divf %x, %d : f32
    linalg.yield %r : f32
  } -> tensor<24x40xf32>
  return %s : tensor<24x40xf32>
}

func.func private @show(%t: tensor<24x40xf32>) {
  %u = tensor.cast %t : tensor<24x40xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func private @scale(%t: tensor<?x40xf32>, %s: f32) -> tensor<?x40xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %t, %c0 : tensor<?x40xf32>
  %e = tensor.empty(%n) : tensor<?x40xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<?x40xf32>) outs(%e : tensor<?x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %s : f32
    linalg.yield %y : f32
  } -> tensor<?x40xf32>
  return %r : tensor<?x40xf32>
}

func.func @main() {
  %one = arith.constant 0.5 : f32
  %ea = tensor.empty() : tensor<24x64xf32>
  %a = linalg.fill ins(%one : f32) outs(%ea : tensor<24x64xf32>) -> tensor<24x64xf32>
  %eb = tensor.empty() : tensor<64x40xf32>
  %b = linalg.fill ins(%one : f32) outs(%eb : tensor<64x40xf32>) -> tensor<64x40xf32>
  %r = call @kernel(%a, %b) : (tensor<24x64xf32>, tensor<64x40xf32>) -> tensor<24x40xf32>
  %d = tensor.cast %r : tensor<24x40xf32> to tensor<?x40xf32>
  %two = arith.constant 2.0 : f32
  %sd = call @scale(%d, %two) : (tensor<?x40xf32>, f32) -> tensor<?x40xf32>
  %s = tensor.cast %sd : tensor<?x40xf32> to tensor<24x40xf32>
  call @show(%s) : (tensor<24x40xf32>) -> ()
  return
}
