import { describe, expect, it } from 'vitest'
import { parseImageAnnotation } from '../../../../src/main/datasets/spair/image-annotation'
import { collector, fixtureJson, where } from './helpers'

const FILE = 'ImageAnnotation/cat/2008_000001.json'
const at = { file: FILE, folder: 'cat', stem: '2008_000001' }
const base = (): Record<string, unknown> => fixtureJson(FILE)
const parse = (json: unknown, where_ = at) => {
  const c = collector()
  const image = parseImageAnnotation(typeof json === 'string' ? json : JSON.stringify(json), where_, c.warn)
  return { image, warnings: c.warnings }
}

describe('parseImageAnnotation', () => {
  it('reads every field of a well-formed annotation with 30 keypoint slots and no warnings', () => {
    const { image, warnings } = parse(base())
    expect(warnings).toEqual([])
    expect(image).toMatchObject({
      category: 'cat',
      stem: '2008_000001',
      file: 'JPEGImages/cat/2008_000001.jpg',
      width: 500,
      height: 375,
      depth: 3,
      bbox: [40, 30, 460, 350],
      pose: 'Frontal',
      truncated: 0,
      occluded: 1,
      difficult: 0,
      azimuthId: 0,
    })
    expect(image?.keypoints).toHaveLength(30)
    const annotated = image?.keypoints.flatMap((p, id) => (p ? [id] : []))
    expect(annotated).toEqual([0, 1, 2, 3, 5, 6])
    expect(image?.keypoints[1]).toEqual([77, 83])
  })

  it('takes the category from the JSON, not from the folder it sits in', () => {
    const { image, warnings } = parse(base(), { file: 'ImageAnnotation/bicycle/2008_000001.json', folder: 'bicycle', stem: '2008_000001' })
    expect(image?.category).toBe('cat')
    expect(where(warnings)).toEqual([['ImageAnnotation/bicycle/2008_000001.json', 'category']])
  })

  const dropped: [string, (j: Record<string, unknown>) => unknown, string][] = [
    ['bad JSON', () => '{"category": "cat",', '(json)'],
    ['a JSON array', () => '[1, 2]', '(json)'],
    ['missing category', (j) => ({ ...j, category: undefined }), 'category'],
    ['missing image_width', (j) => ({ ...j, image_width: undefined }), 'image_width'],
    ['image_height as a string', (j) => ({ ...j, image_height: '375' }), 'image_height'],
    ['kps as a list', (j) => ({ ...j, kps: [[1, 2]] }), 'kps'],
  ]
  it.each(dropped)('skips the image on %s, warning with file and field', (_case, mutate, field) => {
    const { image, warnings } = parse(mutate(base()))
    expect(image).toBeNull()
    expect(where(warnings)).toContainEqual([FILE, field])
  })

  const kept: [string, (j: Record<string, unknown>) => unknown, string, (im: NonNullable<ReturnType<typeof parse>['image']>) => unknown, unknown][] = [
    ['truncated as a string', (j) => ({ ...j, truncated: 'yes' }), 'truncated', (im) => im.truncated, null],
    ['azimuth_id out of range', (j) => ({ ...j, azimuth_id: 8 }), 'azimuth_id', (im) => im.azimuthId, null],
    ['a missing pose', (j) => ({ ...j, pose: undefined }), 'pose', (im) => im.pose, null],
    ['bndbox with x2 < x1', (j) => ({ ...j, bndbox: [300, 30, 40, 350] }), 'bndbox', (im) => im.bbox, null],
    ['bndbox of three numbers', (j) => ({ ...j, bndbox: [1, 2, 3] }), 'bndbox', (im) => im.bbox, null],
    ['bndbox past the image', (j) => ({ ...j, bndbox: [40, 30, 600, 350] }), 'bndbox', (im) => im.bbox, [40, 30, 600, 350]],
    ['a keypoint outside the image', (j) => ({ ...j, kps: { ...(j.kps as object), 3: [501, 10] } }), 'kps.3', (im) => im.keypoints[3], [501, 10]],
    ['a keypoint of one number', (j) => ({ ...j, kps: { ...(j.kps as object), 2: [5] } }), 'kps.2', (im) => im.keypoints[2], null],
    ['a missing slot', (j) => ({ ...j, kps: { ...(j.kps as object), 29: undefined } }), 'kps.29', (im) => im.keypoints.length, 30],
    ['a slot beyond 29', (j) => ({ ...j, kps: { ...(j.kps as object), 30: [1, 1] } }), 'kps.30', (im) => im.keypoints.length, 30],
    ['filename of another image', (j) => ({ ...j, filename: '2008_000009.jpg' }), 'filename', (im) => im.file, 'JPEGImages/cat/2008_000001.jpg'],
  ]
  it.each(kept)('keeps the image on %s, warning with file and field', (_case, mutate, field, read, value) => {
    const { image, warnings } = parse(mutate(base()))
    expect(where(warnings)).toEqual([[FILE, field]])
    expect(image).not.toBeNull()
    if (image) expect(read(image)).toEqual(value)
  })
})
