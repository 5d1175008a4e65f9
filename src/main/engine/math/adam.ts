/** Adam's constants, shared with the device's Adam (gpu/resident-kernels). */
export const BETA1 = 0.9
export const BETA2 = 0.999
export const EPS = 1e-8

/**
 * One learned tensor with its Adam state. Values and moments are float32 (what a checkpoint
 * stores, so a resumed run continues bit for bit); gradients accumulate in float64.
 *
 * Rows: per-image tensors (cameras, codes) are updated only for the images of the current
 * batch, each row with its own step count for the bias correction. Decaying moments of images
 * that were not in the batch would keep moving them on stale gradients (what a dense Adam over
 * auto-decoded parameters does); a row-wise update leaves them where their last batch left them.
 */
export class Param {
  readonly grad: Float64Array
  readonly m: Float32Array
  readonly v: Float32Array
  /** Adam steps taken per row (float32 holds integers exactly up to 2^24). */
  readonly steps: Float32Array

  constructor(
    readonly name: string,
    readonly value: Float32Array,
    readonly lr: number,
    readonly rowSize: number = value.length,
  ) {
    if (rowSize <= 0 || value.length % rowSize !== 0) throw new RangeError(`${name}: row size ${rowSize} does not divide ${value.length}`)
    this.grad = new Float64Array(value.length)
    this.m = new Float32Array(value.length)
    this.v = new Float32Array(value.length)
    this.steps = new Float32Array(value.length / rowSize)
  }

  get rows(): number {
    return this.steps.length
  }

  /** One Adam step on the given rows (default all), then clears their gradients. */
  step(rows?: Iterable<number>): void {
    for (const r of rows ?? Array.from({ length: this.rows }, (_, i) => i)) this.stepRow(r)
  }

  private stepRow(r: number): void {
    const t = this.steps[r]! + 1
    this.steps[r] = t
    const bc1 = 1 - BETA1 ** t
    const bc2 = Math.sqrt(1 - BETA2 ** t)
    const size = this.lr / bc1
    const { value, grad, m, v } = this
    const end = (r + 1) * this.rowSize
    for (let i = r * this.rowSize; i < end; i++) {
      const g = grad[i]!
      const mi = BETA1 * m[i]! + (1 - BETA1) * g
      const vi = BETA2 * v[i]! + (1 - BETA2) * g * g
      m[i] = mi
      v[i] = vi
      value[i] = value[i]! - (size * m[i]!) / (Math.sqrt(v[i]!) / bc2 + EPS)
      grad[i] = 0
    }
  }
}
