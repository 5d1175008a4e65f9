/**
 * The engine's only source of randomness: sfc32 seeded from an integer. Its whole state is
 * four 32-bit words that a checkpoint stores, so a resumed run draws exactly what the
 * uninterrupted one would have drawn.
 */
export type RandomState = [number, number, number, number]

export class SeededRandom {
  private s: RandomState

  constructor(seed: number | RandomState) {
    if (Array.isArray(seed)) {
      this.s = [seed[0] >>> 0, seed[1] >>> 0, seed[2] >>> 0, seed[3] >>> 0]
      return
    }
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
    // splitmix32 spreads nearby seeds over the whole state space; the warm-up discards
    // sfc32's correlated first outputs.
    let x = (seed ^ 0x9e3779b9) >>> 0
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s = [next(), next(), next(), next()]
    for (let i = 0; i < 12; i++) this.uint32()
  }

  state(): RandomState {
    return [...this.s]
  }

  uint32(): number {
    let [a, b, c, d] = this.s
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    this.s = [a >>> 0, b >>> 0, c >>> 0, d >>> 0]
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Standard normal (Box-Muller; the second value is dropped so the state stays four words). */
  normal(): number {
    const u = 1 - this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  /** `k` distinct integers from [0, n), in draw order (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i)
    const m = Math.min(k, n)
    for (let i = 0; i < m; i++) {
      const j = i + this.below(n - i)
      const t = pool[i]!
      pool[i] = pool[j]!
      pool[j] = t
    }
    return pool.slice(0, m)
  }
}
