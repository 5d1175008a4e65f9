import { describe, expect, it } from 'vitest'
import { ThreadSlots } from '../../../src/main/train/thread-slots'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ThreadSlots', () => {
  it('hands out at most its size at once, then serves waiters first come, first served', async () => {
    const slots = new ThreadSlots(2)
    const a = await slots.acquire()
    const b = await slots.acquire()
    expect(slots.busy).toBe(2)
    const order: string[] = []
    const c = slots.acquire().then((release) => (order.push('c'), release))
    const d = slots.acquire().then((release) => (order.push('d'), release))
    await tick()
    expect(order).toEqual([])
    b()
    b() // a second release of the same slot gives nothing back
    await tick()
    expect(order).toEqual(['c'])
    expect(slots.busy).toBe(2)
    // A newcomer does not overtake d, which waited first.
    const e = slots.acquire().then((release) => (order.push('e'), release))
    a()
    await tick()
    expect(order).toEqual(['c', 'd'])
    ;(await c)()
    await tick()
    expect(order).toEqual(['c', 'd', 'e'])
    ;(await d)()
    ;(await e)()
    expect(slots.busy).toBe(0)
  })

  it('refuses a size that is not a positive integer', () => {
    expect(() => new ThreadSlots(0)).toThrow(/positive integer/)
    expect(() => new ThreadSlots(1.5)).toThrow(/positive integer/)
  })
})
