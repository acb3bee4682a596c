//===- autoconfig-opt.cpp - mlir-opt with AutoConfig's passes -------------===//
//
// Every upstream dialect and pass, plus autoconfig-configure and
// autoconfig-generate, so AutoConfig drops into any MLIR pipeline.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Import.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  autoconfig::registerAutoConfigPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  autoconfig::registerAutoConfigDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "AutoConfig optimizer driver\n", registry));
}
