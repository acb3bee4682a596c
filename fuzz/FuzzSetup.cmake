# Included by the top-level CMakeLists.txt when AUTOCONFIG_FUZZ is on, before
# the libraries: the libFuzzer targets in fuzz/ need every library they link
# built with coverage instrumentation and the sanitizers. Without a compiler
# that links -fsanitize=fuzzer (clang with libclang-rt-22-dev), the fuzz
# targets are left out with a warning and the rest builds as usual.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
check_cxx_source_compiles([[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
]] AUTOCONFIG_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
if(AUTOCONFIG_HAVE_LIBFUZZER)
  add_compile_options(-fsanitize=fuzzer-no-link)
  if(NOT AUTOCONFIG_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
  endif()
else()
  message(WARNING "AUTOCONFIG_FUZZ: ${CMAKE_CXX_COMPILER} cannot link "
    "-fsanitize=fuzzer (with clang, install libclang-rt-22-dev); the fuzz "
    "targets are not built")
endif()
