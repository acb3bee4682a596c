#!/bin/sh
# The C header of `autoconfig compile --header` for header.mlir: its text
# (FileCheck against the CHECK lines of header.mlir), C and C++ compilers
# accept it, and a native C program calls every function through it.
#
#   run-header.sh AUTOCONFIG SRCDIR WORKDIR CC CXX FILECHECK
set -eu
autoconfig=$1 src=$2 work=$3 cc=$4 cxx=$5 filecheck=$6
dir=$work/header
mkdir -p "$dir"
cd "$dir"
rm -f header.o header.h header.exe
# Two functions have no C form; the warnings name them.
# --nominal: the header does not depend on the machine's figures.
"$autoconfig" compile "$src/header.mlir" --nominal --emit=obj -o header.o \
  --header header.h 2>warnings.txt
cat warnings.txt
grep -q "'not.c' is left out of the C header" warnings.txt
grep -q "'takes_vector' is left out of the C header" warnings.txt
"$filecheck" "$src/header.mlir" --input-file header.h
printf '#include "header.h"\nint main() { return 0; }\n' >cxx.cpp
"$cxx" -std=c++17 -Wall -Werror -fsyntax-only -I. cxx.cpp
"$cc" -std=c11 -Wall -Werror -I. -o header.exe "$src/header_driver.c" \
  header.o
./header.exe
