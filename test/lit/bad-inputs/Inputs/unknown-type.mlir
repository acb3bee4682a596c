func.func @f(%A: memref<4x4xf33>) {
  return
}
