/**
 * A fixed number of compute slots shared by every caller in the process, handed out first come,
 * first served. Each mesh fit holds one while it runs, so that an evaluation, the Meshes view and
 * Transfer clicks fitting at the same time run at most that many fits at once (a training run's
 * threads are its own, not counted here), and a short request waits behind at most the fits
 * already asked for, not a whole job.
 */
export class ThreadSlots {
  private free: number
  private readonly waiting: (() => void)[] = []

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`thread slots: size must be a positive integer, got ${size}`)
    this.free = size
  }

  /** Resolves once a slot is this caller's; call the returned function exactly once to give it back. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      // The slot passes straight to the next waiter, so a newcomer cannot take it first.
      if (next) next()
      else this.free++
    }
  }

  /** Slots computing now. */
  get busy(): number {
    return this.size - this.free
  }
}
