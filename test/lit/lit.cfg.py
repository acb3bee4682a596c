# lit configuration of AutoConfig's IR and command-line tests.
import os
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
# Calibration caches written by tests stay inside the test tree.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.test_exec_root, "cache")
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
