import { describe, expect, it } from 'vitest'
import { HYBRID_KINDS, isHybridMethod, parseHybridMethod } from '../../../src/shared/eval/hybrid-kinds'

describe('parseHybridMethod', () => {
  it('reads the hybrid and its ablations with their switches, and nothing else', () => {
    expect(parseHybridMethod('hybrid:car-semagic-seed0-54fa5a')).toEqual({ kind: 'hybrid', runId: 'car-semagic-seed0-54fa5a', choices: { gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: false, frames: true } })
    // The hybrid before the frames: the one the other ablations change one switch of.
    expect(parseHybridMethod('hybrid-fitted:r1')!.choices).toEqual({ gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: false, frames: false })
    expect(parseHybridMethod('hybrid-open:r1')).toEqual({ kind: 'hybrid-open', runId: 'r1', choices: { gate: 'open', hypotheses: [1], hypothesisGap: 0, guard: false, frames: false } })
    // The mixture's ablation offers one hypothesis first, so that today's hybrid wins ties on val.
    expect(parseHybridMethod('hybrid-topk:r1')).toEqual({ kind: 'hybrid-topk', runId: 'r1', choices: { gate: 'chosen', hypotheses: [1, 2, 4], hypothesisGap: 0, guard: false, frames: false } })
    expect(parseHybridMethod('hybrid-topk-apart:r1')!.choices).toEqual({ gate: 'chosen', hypotheses: [1, 2, 4], hypothesisGap: Math.PI / 8, guard: false, frames: false })
    expect(parseHybridMethod('hybrid-guarded:r1')!.choices).toEqual({ gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: true, frames: false })
    for (const name of ['mesh:r1', 'nn-pretrained', 'hybrid', 'hybrid-frames:r1', 'hybrid-shut:r1', 'toString:r1', 'predictions:/a/hybrid:b']) expect(parseHybridMethod(name)).toBeNull()
    expect(Object.keys(HYBRID_KINDS)[0]).toBe('hybrid')
    expect(['hybrid-open:r1', 'mesh:r1'].map(isHybridMethod)).toEqual([true, false])
  })
})
