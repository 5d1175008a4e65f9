import jpeg from 'jpeg-js'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readJpegSize, readPngSize } from '../../../../src/main/datasets/spair/image-header'
import { tempDir } from '../../../helpers/temp-dir'
import { FIXTURE, fixtureJson } from './helpers'

const IMAGES = ['cat/2008_000001', 'cat/2008_000002', 'cat/2009_000003', 'bicycle/2010_000004', 'bicycle/2010_000005', 'bicycle/2011_000006']
const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

describe('image headers', () => {
  it.each(IMAGES)('reads the fixture JPEG %s at its annotated size, as the decoder does', (image) => {
    const path = join(FIXTURE, 'JPEGImages', `${image}.jpg`)
    const ann = fixtureJson(`ImageAnnotation/${image}.json`)
    const decoded = jpeg.decode(readFileSync(path))
    expect(readJpegSize(path)).toEqual({ width: ann.image_width, height: ann.image_height })
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: ann.image_width, height: ann.image_height })
  })

  it('skips an APP1 block larger than one read chunk to reach the frame header', () => {
    const dir = tempDir()
    dirs.push(dir)
    const original = readFileSync(join(FIXTURE, 'JPEGImages/cat/2008_000001.jpg'))
    const payload = Buffer.alloc(6000, 0x41)
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload])
    const path = join(dir.path, 'exif.jpg')
    writeFileSync(path, Buffer.concat([original.subarray(0, 2), app1, original.subarray(2)]))
    expect(readJpegSize(path)).toEqual({ width: 500, height: 375 })
  })

  it('returns null for files that are not JPEGs / PNGs', () => {
    const dir = tempDir()
    dirs.push(dir)
    const path = join(dir.path, 'fake.jpg')
    writeFileSync(path, 'not an image at all, but long enough')
    expect(readJpegSize(path)).toBeNull()
    expect(readPngSize(path)).toBeNull()
    expect(readJpegSize(join(FIXTURE, 'Segmentation/cat/2008_000001.png'))).toBeNull()
  })

  it('reads PNG sizes from IHDR', () => {
    expect(readPngSize(join(FIXTURE, 'Segmentation/cat/2008_000002.png'))).toEqual({ width: 375, height: 500 })
  })
})
