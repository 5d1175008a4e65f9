/** Summed-area table with a zero first row and column: (width + 1) x (height + 1). */
export interface IntegralImage {
  width: number
  height: number
  sums: Float64Array
}

export function integralImage(plane: ArrayLike<number>, width: number, height: number): IntegralImage {
  const stride = width + 1
  const sums = new Float64Array(stride * (height + 1))
  for (let y = 0; y < height; y++) {
    let row = 0
    for (let x = 0; x < width; x++) {
      row += plane[y * width + x]!
      sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1]! + row
    }
  }
  return { width, height, sums }
}

/** Sum over pixels [x0, x1) x [y0, y1), the box clipped to the image; also the clipped area. */
export function boxSum(ii: IntegralImage, x0: number, y0: number, x1: number, y1: number): { sum: number; area: number } {
  const ax = Math.max(0, Math.min(ii.width, x0))
  const bx = Math.max(0, Math.min(ii.width, x1))
  const ay = Math.max(0, Math.min(ii.height, y0))
  const by = Math.max(0, Math.min(ii.height, y1))
  if (bx <= ax || by <= ay) return { sum: 0, area: 0 }
  const s = ii.width + 1
  const sum = ii.sums[by * s + bx]! - ii.sums[ay * s + bx]! - ii.sums[by * s + ax]! + ii.sums[ay * s + ax]!
  return { sum, area: (bx - ax) * (by - ay) }
}
