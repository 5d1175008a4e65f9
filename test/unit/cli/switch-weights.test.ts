import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_APPEARANCE, MAX_LARGE_STEPS, TrainConfig, modelLabel } from '../../../src/shared/ipc/channels/train'
import { parseOneSwitchWeight, parseSwitchWeights } from '../../../src/main/cli/switch-weights'
import { runCli } from '../../helpers/run-cli'
import { scratch } from '../../integration/datasets/helpers'

describe('a switch\'s weights (--appearance, --large-steps)', () => {
  it('reads comma-separated weights in [0, max]', () => {
    expect(parseSwitchWeights('--appearance', '0', MAX_APPEARANCE)).toEqual([0])
    expect(parseSwitchWeights('--appearance', '0, 0.5,4', MAX_APPEARANCE)).toEqual([0, 0.5, 4])
    expect(parseSwitchWeights('--large-steps', String(MAX_LARGE_STEPS), MAX_LARGE_STEPS)).toEqual([MAX_LARGE_STEPS])
    expect(parseOneSwitchWeight('--large-steps', undefined, MAX_LARGE_STEPS)).toBeUndefined()
    expect(parseOneSwitchWeight('--large-steps', '1', MAX_LARGE_STEPS)).toBe(1)
  })

  it.each(['x', '-1', '', '0,', '1e3', 'NaN', 'Infinity'])('refuses "%s", naming the flag and the range', (value) => {
    expect(() => parseSwitchWeights('--appearance', value, MAX_APPEARANCE)).toThrow(`--appearance takes weights in [0, ${MAX_APPEARANCE}] (0 is off), got "${value}"`)
    expect(() => parseSwitchWeights('--large-steps', value, MAX_LARGE_STEPS)).toThrow(`--large-steps takes weights in [0, ${MAX_LARGE_STEPS}] (0 is off), got "${value}"`)
  })

  it('is refused by train and bench before anything is stored, with a usage exit code', async () => {
    const ws = join(scratch(), 'ws')
    const train = await runCli('train', '--dataset', 'demo', '--category', 'car', '--appearance', 'lots', '--data-dir', ws)
    expect(train.code).toBe(2)
    expect(train.stderr).toMatch(/--appearance takes weights in \[0, 100\] \(0 is off\), got "lots"/)
    const two = await runCli('train', '--dataset', 'demo', '--category', 'car', '--large-steps', '0,1', '--data-dir', ws)
    expect(two.code).toBe(2)
    expect(two.stderr).toMatch(/--large-steps takes one weight when training one run, got "0,1"/)
    const bench = await runCli('bench', '--dataset', 'demo', '--variants', 'semagic', '--appearance', '0,-2', '--data-dir', ws)
    expect(bench.code).toBe(2)
    expect(bench.stderr).toMatch(/--appearance takes weights in \[0, 100\] \(0 is off\), got "0,-2"/)
    const large = await runCli('bench', '--dataset', 'demo', '--variants', 'semagic', '--large-steps', '1,101', '--data-dir', ws)
    expect(large.code).toBe(2)
    expect(large.stderr).toMatch(/--large-steps takes weights in \[0, 100\] \(0 is off\), got "1,101"/)
    const resumed = await runCli('train', '--resume', 'some-run', '--large-steps', '1', '--data-dir', ws)
    expect(resumed.code).toBe(2)
    expect(resumed.stderr).toMatch(/drop --large-steps/)
  })

  it('defaults to off in a run configuration stored before either existed, and labels the runs that use them', () => {
    const older = TrainConfig.parse({ dataset: 'demo', category: 'car', variant: 'semagic', steps: 600, seed: 0, templateLevel: 3, articulation: 0, backbone: 'pretrained' })
    expect(older.appearance).toBe(0)
    expect(older.largeSteps).toBe(0)
    expect(modelLabel(older)).toBe('semagic')
    expect(modelLabel({ ...older, appearance: 1 })).toBe('semagic+app1')
    expect(modelLabel({ ...older, largeSteps: 1 })).toBe('semagic+ls1')
    expect(modelLabel({ ...older, articulation: 6, appearance: 0.5, largeSteps: 2 })).toBe('semagic+art6+app0.5+ls2')
    expect(TrainConfig.safeParse({ ...older, appearance: MAX_APPEARANCE + 1 }).success).toBe(false)
    expect(TrainConfig.safeParse({ ...older, largeSteps: MAX_LARGE_STEPS + 1 }).success).toBe(false)
    expect(TrainConfig.safeParse({ ...older, largeSteps: -1 }).success).toBe(false)
  })
})
