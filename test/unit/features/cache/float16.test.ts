import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readFeatureFile, writeFeatureFile } from '../../../../src/main/features/cache/feature-file'
import { decodeHalf, encodeHalf, fromHalf, toHalf } from '../../../../src/main/features/cache/float16'
import { tempDir } from '../../../helpers/temp-dir'

const dir = tempDir()
afterAll(() => dir.remove())

describe('float16', () => {
  it.each([
    [1, 0x3c00],
    [0.5, 0x3800],
    [-2, 0xc000],
    [65504, 0x7bff],
    [1 / 3, 0x3555],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [0, 0x0000],
    [-0, 0x8000],
    [1e6, 0x7c00],
    [1 + 2 ** -11, 0x3c00], // a tie rounds to even
    [1 + 3 * 2 ** -11, 0x3c02], // a tie rounds to even, upwards here
    [2 ** -26, 0x0000],
  ])('encodes %f as 0x%s', (value, bits) => {
    expect(toHalf(value)).toBe(bits)
  })

  it('decodes the special values', () => {
    expect(fromHalf(0x7c00)).toBe(Number.POSITIVE_INFINITY)
    expect(fromHalf(0xfc00)).toBe(Number.NEGATIVE_INFINITY)
    expect(fromHalf(0x7e00)).toBeNaN()
    expect(fromHalf(0x0001)).toBe(2 ** -24)
  })

  it('round-trips unit-range values within half a unit in the last place', () => {
    const values = new Float32Array(10_001).map((_, i) => -1 + i / 5000)
    const back = decodeHalf(encodeHalf(values))
    let worst = 0
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - back[i]!))))
    expect(worst).toBeLessThanOrEqual(2 ** -12)
    expect(worst).toBeGreaterThan(0)
  })
})

describe('feature files', () => {
  it('writes and reads a map with its shape and stride', () => {
    const map = { channels: 2, height: 2, width: 3, stride: 299 / 17, data: new Float32Array([0.5, -0.25, 1, 0, 0.125, -1, 0.75, 0.5, -0.5, 1, 0, 0.25]) }
    const path = join(dir.path, 'a.f16')
    expect(writeFeatureFile(path, map)).toBe(24 + 2 * 12)
    const back = readFeatureFile(path)
    expect(back).toMatchObject({ channels: 2, height: 2, width: 3 })
    expect(back.stride).toBeCloseTo(299 / 17, 5)
    expect([...back.data]).toEqual([...map.data])
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false)
  })

  it('refuses truncated and foreign files, naming them', () => {
    const path = join(dir.path, 'b.f16')
    writeFeatureFile(path, { channels: 1, height: 1, width: 2, stride: 1, data: new Float32Array([1, 0]) })
    const bytes = readFileSync(path)
    writeFileSync(path, bytes.subarray(0, bytes.length - 1))
    expect(() => readFeatureFile(path)).toThrow(`${path}: truncated`)
    writeFileSync(path, 'hello world, this is not it')
    expect(() => readFeatureFile(path)).toThrow(/not a SEMAGIC feature file/)
  })
})
