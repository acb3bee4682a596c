//===- TargetCommand.cpp - autoconfig target ------------------------------===//

#include "Options.h"

#include "autoconfig/Target/Describe.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace autoconfig::cli {

int runTarget() {
  // Shows what exists: calibrating is `autoconfig calibrate`'s job.
  auto hardware = resolveHardware(MissingProfile::UseNominal);
  if (!hardware)
    return 1;
  if (json) {
    json::Object doc{{"target", toJSON(hardware->target)},
                     {"profile", toJSON(hardware->profile)},
                     {"profile_note", hardware->profileNote}};
    outs() << formatv("{0:2}", json::Value(std::move(doc))) << "\n";
    return 0;
  }
  const TargetDesc &t = hardware->target;
  outs() << describeTarget(t) << "\n";
  outs() << "features: " << t.featureString() << "\n";
  outs() << "profile: " << hardware->profileNote << "\n";
  printProfile(hardware->profile, outs());
  return 0;
}

} // namespace autoconfig::cli
