// The autoconfig dialect's attributes: the typed config round-trips, a
// malformed one is an error at its location, a typed config on an op is an
// override like the string form, and every pass of Passes.td runs from
// autoconfig-opt with its textual options.

// RUN: autoconfig-opt %s --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=ROUND
// RUN: autoconfig-opt %s --split-input-file --verify-diagnostics --autoconfig-configure="target=x86-avx512" | FileCheck %s --check-prefix=OVERRIDE

// ROUND-LABEL: func.func @round_trip
// ROUND-SAME: a = #autoconfig.config<blocked vl=16 mr=6 nr=32 packA=1>
// ROUND-SAME: b = #autoconfig.layout<"nhwc", "the models' figures">
func.func @round_trip() attributes {
    a = #autoconfig.config<blocked vl=16 mr=6 nr=32 packA=1>,
    b = #autoconfig.layout<"nhwc", "the models' figures">} {
  return
}

// -----

// OVERRIDE-LABEL: func.func @typed_override
// OVERRIDE: linalg.matmul {autoconfig.config = #autoconfig.config<broadcast vl=16 ui=2 uj={{[1-9][0-9]*}} ku={{[1-9][0-9]*}} mask=1 threads=1>}
func.func @typed_override(%a: memref<64x32xf32>, %b: memref<32x64xf32>,
                          %c: memref<64x64xf32>) {
  linalg.matmul {autoconfig.config = #autoconfig.config<broadcast ui=2>}
    ins(%a, %b : memref<64x32xf32>, memref<32x64xf32>)
    outs(%c : memref<64x64xf32>)
  return
}

// -----

// expected-error @+1 {{config parameter 'mr' given twice}}
func.func @twice() attributes {a = #autoconfig.config<blocked mr=6 mr=7>} {
  return
}

// -----

// expected-error @+1 {{expected integer value}}
func.func @not_integer() attributes {a = #autoconfig.config<blocked mr=six>} {
  return
}

// -----

// expected-error @+1 {{layout must be "nhwc" or "nchw", not "nwc"}}
func.func @bad_layout() attributes {a = #autoconfig.layout<"nwc", "why">} {
  return
}
