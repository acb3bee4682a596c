//===- AutoConfigDialect.cpp - The autoconfig dialect's attributes --------===//

#include "autoconfig/Dialect/AutoConfigDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

#include "autoconfig/Dialect/AutoConfigDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "autoconfig/Dialect/AutoConfigAttrs.cpp.inc"

namespace autoconfig {

void AutoConfigDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "autoconfig/Dialect/AutoConfigAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ConfigAttr
//===----------------------------------------------------------------------===//

LogicalResult
ConfigAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   StringAttr algorithm, ArrayRef<NamedAttribute> params) {
  if (!algorithm || algorithm.getValue().empty())
    return emitError() << "a config needs an algorithm name";
  llvm::StringSet<> seen;
  for (const NamedAttribute &param : params) {
    if (!isa<IntegerAttr>(param.getValue()))
      return emitError() << "config parameter '" << param.getName().getValue()
                         << "' must be an integer";
    if (!seen.insert(param.getName().getValue()).second)
      return emitError() << "config parameter '" << param.getName().getValue()
                         << "' given twice";
  }
  return success();
}

Config ConfigAttr::getConfig() const {
  Config config(getAlgorithm().str());
  for (const NamedAttribute &param : getParams())
    config.set(param.getName().getValue(),
               cast<IntegerAttr>(param.getValue()).getInt());
  return config;
}

ConfigAttr ConfigAttr::get(MLIRContext *context, const Config &config) {
  Builder b(context);
  SmallVector<NamedAttribute> params;
  for (const auto &[key, value] : config.params())
    params.push_back(b.getNamedAttr(key, b.getI64IntegerAttr(value)));
  return get(context, b.getStringAttr(config.getAlgorithm()), params);
}

/// `<` algorithm (key `=` integer)* `>`: the config's text form.
Attribute ConfigAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  Builder b(parser.getContext());
  std::string algorithm;
  if (parser.parseKeywordOrString(&algorithm))
    return {};
  SmallVector<NamedAttribute> params;
  while (failed(parser.parseOptionalGreater())) {
    std::string key;
    int64_t value = 0;
    if (parser.parseKeywordOrString(&key) || parser.parseEqual() ||
        parser.parseInteger(value))
      return {};
    params.push_back(b.getNamedAttr(key, b.getI64IntegerAttr(value)));
  }
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), b.getStringAttr(algorithm), params);
}

void ConfigAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printKeywordOrString(getAlgorithm().getValue());
  for (const NamedAttribute &param : getParams()) {
    printer << " ";
    printer.printKeywordOrString(param.getName().getValue());
    printer << "=" << cast<IntegerAttr>(param.getValue()).getInt();
  }
  printer << ">";
}

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

LogicalResult
LayoutAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   StringRef layout, StringRef reason) {
  if (layout != "nhwc" && layout != "nchw")
    return emitError() << "layout must be \"nhwc\" or \"nchw\", not \""
                       << layout << "\"";
  return success();
}

std::string LayoutAttr::describe() const {
  return ((isConverted() ? "NHWC instead of NCHW: " : "NCHW kept: ") +
          getReason())
      .str();
}

//===----------------------------------------------------------------------===//
// Accessors
//===----------------------------------------------------------------------===//

FailureOr<std::optional<Config>> readOpConfig(Operation *op) {
  Attribute attr = op->getAttr(kConfigAttrName);
  if (!attr)
    return std::optional<Config>();
  if (auto typed = dyn_cast<ConfigAttr>(attr))
    return std::optional<Config>(typed.getConfig());
  if (auto text = dyn_cast<StringAttr>(attr)) {
    auto parsed = Config::parse(text.getValue());
    if (!parsed)
      return op->emitError("autoconfig: ")
             << llvm::toString(parsed.takeError());
    return std::optional<Config>(*parsed);
  }
  return op->emitError("autoconfig: '")
         << kConfigAttrName
         << "' must be a #autoconfig.config<...> attribute or a string in "
            "the config's text form";
}

void writeOpConfig(Operation *op, const Config &config) {
  MLIRContext *context = op->getContext();
  context->getOrLoadDialect<AutoConfigDialect>();
  op->setAttr(kConfigAttrName, ConfigAttr::get(context, config));
}

FailureOr<SmallVector<OpSizeClass>> readOpSizeClasses(Operation *op) {
  SmallVector<OpSizeClass> classes;
  Attribute raw = op->getAttr(kSizeClassesAttrName);
  if (!raw)
    return classes;
  auto malformed = [&]() {
    return op->emitError("autoconfig: '")
           << kSizeClassesAttrName
           << "' must be an array of {sizes = {M = array<i64: min, max>}, "
              "config = ...} dictionaries, not "
           << raw;
  };
  auto array = dyn_cast<ArrayAttr>(raw);
  if (!array || array.empty())
    return malformed();
  for (Attribute element : array) {
    auto entry = dyn_cast<DictionaryAttr>(element);
    if (!entry)
      return malformed();
    auto sizes = entry.getAs<DictionaryAttr>("sizes");
    Attribute config = entry.get("config");
    if (!sizes || !config)
      return malformed();
    OpSizeClass c{sizes, Config()};
    if (auto typed = dyn_cast<ConfigAttr>(config)) {
      c.config = typed.getConfig();
    } else if (auto text = dyn_cast<StringAttr>(config)) {
      auto parsed = Config::parse(text.getValue());
      if (!parsed)
        return op->emitError("autoconfig: a size class's config: ")
               << llvm::toString(parsed.takeError());
      c.config = *parsed;
    } else {
      return malformed();
    }
    classes.push_back(std::move(c));
  }
  return classes;
}

void writeOpSizeClasses(Operation *op, ArrayRef<OpSizeClass> classes) {
  MLIRContext *context = op->getContext();
  context->getOrLoadDialect<AutoConfigDialect>();
  Builder b(context);
  SmallVector<Attribute> entries;
  for (const OpSizeClass &c : classes)
    entries.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("sizes", c.sizes),
         b.getNamedAttr("config", ConfigAttr::get(context, c.config))}));
  op->setAttr(kSizeClassesAttrName, b.getArrayAttr(entries));
}

std::optional<LayoutAttr> readOpLayout(Operation *op) {
  if (auto layout = op->getAttrOfType<LayoutAttr>(kLayoutAttrName))
    return layout;
  return std::nullopt;
}

} // namespace autoconfig
