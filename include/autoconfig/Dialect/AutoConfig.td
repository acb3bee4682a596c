//===- AutoConfig.td - The autoconfig dialect and its attributes -*- tablegen -*-===//
//
// AutoConfig records its decisions on the ops it configures, as typed
// attributes that every later pass reads without re-parsing text:
//
//   linalg.matmul {autoconfig.config =
//       #autoconfig.config<blocked vl=16 mr=6 nr=32 kc=256 ...>} ...
//
// The text inside the brackets is the config's text form (Model/Config.h),
// the one a user writes to override a decision; a plain string attribute
// in that form is still accepted as an override on input.
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_DIALECT_AUTOCONFIG_TD
#define AUTOCONFIG_DIALECT_AUTOCONFIG_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/DialectBase.td"

def AutoConfig_Dialect : Dialect {
  let name = "autoconfig";
  let cppNamespace = "::autoconfig";
  let summary = "Decisions of AutoConfig's analytical models, on the ops";
  let description = [{
    The attributes AutoConfig attaches to the matmuls and convolutions it
    configures (the algorithm and its parameters) and to the convolutions
    it moves to another layout (the layout and the reason).
  }];
  let useDefaultAttributePrinterParser = 1;
}

class AutoConfig_Attr<string name, string attrMnemonic>
    : AttrDef<AutoConfig_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def AutoConfig_ConfigAttr : AutoConfig_Attr<"Config", "config"> {
  let summary = "An optimization algorithm and its integer parameters";
  let description = [{
    `#autoconfig.config<blocked vl=16 mr=6 nr=32 kc=256 mc=96 nc=2048 ku=4
    packA=1 packB=1 prefetch=0 threads=1>`: the algorithm's registry name,
    then its parameters in the order the algorithm declares them.
  }];
  let parameters = (ins
    "::mlir::StringAttr":$algorithm,
    OptionalArrayRefParameter<"::mlir::NamedAttribute">:$params);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The same config as a value the models and generators take.
    ::autoconfig::Config getConfig() const;
    static ConfigAttr get(::mlir::MLIRContext *context,
                          const ::autoconfig::Config &config);
  }];
}

def AutoConfig_LayoutAttr : AutoConfig_Attr<"Layout", "layout"> {
  let summary = "The data layout a convolution of the program runs in, and why";
  let description = [{
    `#autoconfig.layout<"nhwc", "this convolution 1.2 ms (im2col) in NCHW,
    ...">`: set by autoconfig-propagate-layout on every NCHW convolution it
    considered, with the layout it chose ("nhwc": moved between reorders;
    "nchw": kept) and the models' figures behind the choice.
  }];
  let parameters = (ins StringRefParameter<"chosen layout">:$layout,
                        StringRefParameter<"the models' figures">:$reason);
  let assemblyFormat = "`<` $layout `,` $reason `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isConverted() const { return getLayout() == "nhwc"; }
    /// "NHWC instead of NCHW: <reason>" or "NCHW kept: <reason>".
    std::string describe() const;
  }];
}

#endif
