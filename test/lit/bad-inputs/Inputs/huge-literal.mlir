func.func @f(%A: memref<99999999999999999999999x4xf32>) {
  return
}
