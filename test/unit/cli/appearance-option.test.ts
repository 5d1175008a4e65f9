import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_APPEARANCE, TrainConfig, modelLabel } from '../../../src/shared/ipc/channels/train'
import { parseAppearance } from '../../../src/main/cli/appearance-option'
import { runCli } from '../../helpers/run-cli'
import { scratch } from '../../integration/datasets/helpers'

describe('--appearance', () => {
  it('reads comma-separated weights in [0, MAX_APPEARANCE]', () => {
    expect(parseAppearance('0')).toEqual([0])
    expect(parseAppearance('0, 0.5,4')).toEqual([0, 0.5, 4])
    expect(parseAppearance(String(MAX_APPEARANCE))).toEqual([MAX_APPEARANCE])
  })

  it.each(['x', '-1', '', '0,', '1e3', 'NaN', 'Infinity'])('refuses "%s", naming the flag and the range', (value) => {
    expect(() => parseAppearance(value)).toThrow(`--appearance takes weights in [0, ${MAX_APPEARANCE}] (0 is off), got "${value}"`)
  })

  it('is refused by train and bench before anything is stored, with a usage exit code', async () => {
    const ws = join(scratch(), 'ws')
    const train = await runCli('train', '--dataset', 'demo', '--category', 'car', '--appearance', 'lots', '--data-dir', ws)
    expect(train.code).toBe(2)
    expect(train.stderr).toMatch(/--appearance takes weights in \[0, 100\] \(0 is off\), got "lots"/)
    const two = await runCli('train', '--dataset', 'demo', '--category', 'car', '--appearance', '0,1', '--data-dir', ws)
    expect(two.code).toBe(2)
    expect(two.stderr).toMatch(/--appearance takes one weight when training one run, got "0,1"/)
    const bench = await runCli('bench', '--dataset', 'demo', '--variants', 'semagic', '--appearance', '0,-2', '--data-dir', ws)
    expect(bench.code).toBe(2)
    expect(bench.stderr).toMatch(/--appearance takes weights in \[0, 100\] \(0 is off\), got "0,-2"/)
  })

  it('defaults to 0 in a run configuration stored before it existed, and labels the runs that use it', () => {
    const older = TrainConfig.parse({ dataset: 'demo', category: 'car', variant: 'semagic', steps: 600, seed: 0, templateLevel: 3, articulation: 0, backbone: 'pretrained' })
    expect(older.appearance).toBe(0)
    expect(modelLabel(older)).toBe('semagic')
    expect(modelLabel({ ...older, appearance: 1 })).toBe('semagic+app1')
    expect(modelLabel({ ...older, articulation: 6, appearance: 0.5 })).toBe('semagic+art6+app0.5')
    expect(TrainConfig.safeParse({ ...older, appearance: MAX_APPEARANCE + 1 }).success).toBe(false)
  })
})
