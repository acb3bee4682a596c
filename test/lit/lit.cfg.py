# lit configuration of AutoConfig's IR and command-line tests.
import os
import subprocess
import lit.formats

config.name = "AutoConfig"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.test_source_root), "lit-out")
if hasattr(config, "autoconfig_tools_dir"):
    config.test_exec_root = os.path.join(config.autoconfig_tools_dir, "..", "test", "lit-out")
    config.environment["PATH"] = os.pathsep.join(
        [config.autoconfig_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
    config.substitutions.append(("%shared", config.shared_dir))
    config.substitutions.append(("%srcdir", config.autoconfig_source_dir))
# The ONNX project's backend test data (Debian package libonnx-testdata).
config.substitutions.append(("%onnxdata", "/usr/share/libonnx-testdata/data"))
# Calibration caches stay inside the test tree. The commands read the host's
# profile from the suite's cache, measured once (quickly) by ctest's
# calibrate-test-cache fixture, or here when lit runs on its own (a no-op
# once cached), so that no test calibrates on first use. Tests of decisions
# use --nominal; tests of the calibration make caches of their own.
cache_dir = getattr(config, "autoconfig_cache_dir",
                    os.path.join(config.test_exec_root, "cache"))
config.environment["XDG_CACHE_HOME"] = cache_dir
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
if hasattr(config, "autoconfig_tools_dir"):
    calibration = subprocess.run(
        [os.path.join(config.autoconfig_tools_dir, "autoconfig"), "calibrate", "--quick"],
        env=dict(os.environ, XDG_CACHE_HOME=cache_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if calibration.returncode != 0:
        lit_config.warning("calibrating the test cache failed: " + calibration.stderr.strip())
