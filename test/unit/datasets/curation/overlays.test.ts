import { describe, expect, it } from 'vitest'
import type { ImageDetail } from '../../../../src/shared/ipc/channels/datasets'
import { applyImageOverlays, checkInsideImage, describeEdit, overlayChange } from '../../../../src/main/datasets/curation/overlays'

const key = { category: 'cat', stem: '2008_000001' }

function withKeypoints(): ImageDetail {
  const keypoints: ImageDetail['keypoints'] = Array.from({ length: 30 }, () => null)
  keypoints[0] = [10, 20]
  keypoints[3] = [30, 40]
  return {
    category: 'cat',
    stem: '2008_000001',
    file: 'JPEGImages/cat/2008_000001.jpg',
    maskFile: null,
    width: 100,
    height: 80,
    depth: 3,
    bbox: [1, 2, 90, 70],
    pose: 'Left',
    truncated: 0,
    occluded: 0,
    difficult: 0,
    azimuthId: 2,
    keypointCount: 2,
    splits: ['test'],
    keypoints,
  }
}

describe('curation overlays', () => {
  it('leaves the original untouched and shows it when there are no overlays', () => {
    const original = withKeypoints()
    const c = applyImageOverlays(original, new Map())
    expect(c.keypoints[0]).toEqual({ point: [10, 20], visible: true, edited: false })
    expect(c.keypoints[1]).toBeNull()
    expect(c.bbox).toEqual([1, 2, 90, 70])
    expect(c.excluded).toBe(false)
    expect(c.editedFields).toEqual([])
  })

  it('applies moved, removed and hidden keypoints, a new box, tags and a note', () => {
    const original = withKeypoints()
    const overlays = new Map<string, unknown>([
      ['kp.0', { x: 11, y: 21, visible: true }],
      ['kp.3', { removed: true }],
      ['kp.5', { x: 50, y: 60, visible: false }],
      ['bbox', [0, 0, 99, 79]],
      ['excluded', true],
      ['tags', ['blurry', 'check']],
      ['note', 'tail hidden'],
    ])
    const c = applyImageOverlays(original, overlays)
    expect(c.keypoints[0]).toEqual({ point: [11, 21], visible: true, edited: true })
    expect(c.keypoints[3]).toBeNull()
    expect(c.keypoints[5]).toEqual({ point: [50, 60], visible: false, edited: true })
    expect(c.bbox).toEqual([0, 0, 99, 79])
    expect(c).toMatchObject({ excluded: true, tags: ['blurry', 'check'], note: 'tail hidden' })
    expect(c.editedFields).toEqual(['bbox', 'excluded', 'kp.0', 'kp.3', 'kp.5', 'note', 'tags'])
    expect(original.keypoints[3]).toEqual([30, 40]) // the original object is not mutated
  })

  it('maps each edit to the overlay value it leaves', () => {
    const current = { point: [30, 40] as [number, number], visible: true, edited: false }
    expect(overlayChange({ op: 'keypoint.set', ...key, kpId: 3, x: 1, y: 2 }, current).after).toEqual({ x: 1, y: 2, visible: true })
    expect(overlayChange({ op: 'keypoint.visibility', ...key, kpId: 3, visible: false }, current).after).toEqual({
      x: 30,
      y: 40,
      visible: false,
    })
    expect(overlayChange({ op: 'keypoint.reset', ...key, kpId: 3 }, current).after).toBeNull()
    expect(overlayChange({ op: 'image.tags', ...key, tags: ['b', 'a', 'b'] }, null).after).toEqual(['a', 'b'])
    expect(overlayChange({ op: 'image.exclude', ...key, excluded: false }, null).after).toBeNull()
    expect(overlayChange({ op: 'pair.exclude', split: 'test', name: 'p', excluded: true }, null)).toEqual({
      targetKind: 'pair',
      a: 'test',
      b: 'p',
      field: 'excluded',
      after: true,
    })
    expect(() => overlayChange({ op: 'keypoint.visibility', ...key, kpId: 7, visible: false }, null)).toThrow(/not annotated/)
  })

  it('refuses keypoints and boxes outside the image, naming the problem', () => {
    expect(checkInsideImage({ op: 'keypoint.set', ...key, kpId: 0, x: 100, y: 80 }, 100, 80)).toBeNull()
    expect(checkInsideImage({ op: 'keypoint.set', ...key, kpId: 0, x: 101, y: 5 }, 100, 80)).toMatch(/outside the 100x80 image/)
    expect(checkInsideImage({ op: 'bbox.set', ...key, bbox: [5, 5, 4, 10] }, 100, 80)).toMatch(/x1 < x2/)
    expect(checkInsideImage({ op: 'bbox.set', ...key, bbox: [5, 5, 120, 10] }, 100, 80)).toMatch(/leaves/)
  })

  it('describes edits for the history', () => {
    expect(describeEdit({ op: 'keypoint.set', ...key, kpId: 4, x: 1.234, y: 5 })).toBe('move keypoint 4 of cat/2008_000001 to (1.2, 5.0)')
    expect(describeEdit({ op: 'pair.exclude', split: 'val', name: 'x', excluded: true })).toBe('exclude pair val/x')
  })
})
