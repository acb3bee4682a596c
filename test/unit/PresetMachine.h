//===- PresetMachine.h - A preset target, nominal profile -------*- C++ -*-===//
//
// The model tests decide on fixed inputs: a built-in preset and the profile
// derived from its static description alone (no calibration, no JIT).
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_TEST_UNIT_PRESETMACHINE_H
#define AUTOCONFIG_TEST_UNIT_PRESETMACHINE_H

#include "autoconfig/Select/Decision.h"

#include "gtest/gtest.h"

#include <string>

namespace autoconfig {

/// A preset with its nominal profile (owned here: Machine holds references).
/// An unknown preset is a test failure, and `error` says why.
struct PresetMachine {
  explicit PresetMachine(const std::string &name) {
    auto preset = getTargetPreset(name);
    if (!preset) {
      error = llvm::toString(preset.takeError());
      ADD_FAILURE() << error;
      return;
    }
    target = *preset;
    profile = Profile::nominal(target);
  }
  Machine machine() const { return Machine{target, profile}; }

  TargetDesc target;
  Profile profile;
  std::string error;
};

} // namespace autoconfig

#endif
