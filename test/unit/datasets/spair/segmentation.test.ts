import { join } from 'node:path'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { foregroundMask, readForegroundMask, SEGMENTATION_RULE } from '../../../../src/main/datasets/spair/segmentation'
import { FIXTURE } from './helpers'

describe('segmentation masks', () => {
  it('records the "non-zero is foreground" rule', () => {
    expect(SEGMENTATION_RULE).toBe('nonzero')
  })

  it('reads the fixture mask: the bbox [10,20,110,70] is the object, whatever its label value', async () => {
    const mask = await readForegroundMask(join(FIXTURE, 'Segmentation/cat/2008_000002.png'))
    expect([mask.width, mask.height]).toEqual([375, 500])
    expect(mask.data.reduce((a, b) => a + b, 0)).toBe(100 * 50)
    expect(mask.data[20 * 375 + 10]).toBe(1)
    expect(mask.data[20 * 375 + 9]).toBe(0)
    expect(mask.data[70 * 375 + 10]).toBe(0)
  })

  it('treats any non-black colour as foreground in an RGB mask (e.g. VOC void 255 or a low class index)', () => {
    const png = new PNG({ width: 3, height: 1 })
    png.data = Buffer.from([0, 0, 0, 255, 0, 0, 1, 255, 224, 224, 192, 255])
    expect([...foregroundMask(PNG.sync.write(png)).data]).toEqual([0, 1, 1])
  })
})
