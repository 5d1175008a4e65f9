import type { Bbox, ImageDetail } from '../../../shared/ipc/channels/datasets'
import type { CuratedImage, CuratedKeypoint, EditOp } from '../../../shared/ipc/channels/curation'

/** Overlay field names: `kp.<id>`, `bbox`, `excluded`, `tags`, `note` (images); `excluded` (pairs). */
export type KeypointOverlay = { x: number; y: number; visible: boolean } | { removed: true }

export interface OverlayChange {
  targetKind: 'image' | 'pair'
  /** (category, stem) for an image, (split, name) for a pair. */
  a: string
  b: string
  field: string
  /** null removes the overlay: the field is back to the imported value. */
  after: unknown
}

export const kpField = (id: number): string => `kp.${id}`

/**
 * Turns an edit into the overlay value it leaves. `keypoint.visibility` needs the slot's current
 * position, so it reads the effective keypoint the caller resolved (null = nothing to toggle).
 */
export function overlayChange(op: EditOp, current: CuratedKeypoint | null): OverlayChange {
  switch (op.op) {
    case 'keypoint.set':
      return image(op, kpField(op.kpId), { x: op.x, y: op.y, visible: current?.visible ?? true })
    case 'keypoint.remove':
      return image(op, kpField(op.kpId), { removed: true })
    case 'keypoint.visibility':
      if (!current) throw new Error(`keypoint ${op.kpId} of ${op.category}/${op.stem} is not annotated`)
      return image(op, kpField(op.kpId), { x: current.point[0], y: current.point[1], visible: op.visible })
    case 'keypoint.reset':
      return image(op, kpField(op.kpId), null)
    case 'bbox.set':
      return image(op, 'bbox', op.bbox)
    case 'image.exclude':
      return image(op, 'excluded', op.excluded ? true : null)
    case 'image.tags':
      return image(op, 'tags', op.tags.length ? [...new Set(op.tags)].sort() : null)
    case 'image.note':
      return image(op, 'note', op.note.trim() ? op.note : null)
    case 'pair.exclude':
      return { targetKind: 'pair', a: op.split, b: op.name, field: 'excluded', after: op.excluded ? true : null }
  }
}

function image(op: { category: string; stem: string }, field: string, after: unknown): OverlayChange {
  return { targetKind: 'image', a: op.category, b: op.stem, field, after }
}

/** A short human label for the history and the undo menu. */
export function describeEdit(op: EditOp): string {
  const where = op.op === 'pair.exclude' ? `${op.split}/${op.name}` : `${op.category}/${op.stem}`
  switch (op.op) {
    case 'keypoint.set':
      return `move keypoint ${op.kpId} of ${where} to (${op.x.toFixed(1)}, ${op.y.toFixed(1)})`
    case 'keypoint.remove':
      return `remove keypoint ${op.kpId} of ${where}`
    case 'keypoint.visibility':
      return `mark keypoint ${op.kpId} of ${where} ${op.visible ? 'visible' : 'invisible'}`
    case 'keypoint.reset':
      return `reset keypoint ${op.kpId} of ${where}`
    case 'bbox.set':
      return `set the box of ${where}`
    case 'image.exclude':
      return `${op.excluded ? 'exclude' : 'include'} ${where}`
    case 'image.tags':
      return `tag ${where}: ${op.tags.join(', ') || '(none)'}`
    case 'image.note':
      return `note on ${where}`
    case 'pair.exclude':
      return `${op.excluded ? 'exclude' : 'include'} pair ${where}`
  }
}

export function applyImageOverlays(original: ImageDetail, overlays: ReadonlyMap<string, unknown>): CuratedImage {
  const keypoints = original.keypoints.map((p, id): CuratedKeypoint | null => {
    const o = overlays.get(kpField(id)) as KeypointOverlay | undefined
    if (o === undefined) return p ? { point: p, visible: true, edited: false } : null
    if ('removed' in o) return null
    return { point: [o.x, o.y], visible: o.visible, edited: true }
  })
  return {
    original,
    keypoints,
    bbox: (overlays.get('bbox') as Bbox | undefined) ?? original.bbox,
    excluded: overlays.get('excluded') === true,
    tags: (overlays.get('tags') as string[] | undefined) ?? [],
    note: (overlays.get('note') as string | undefined) ?? '',
    editedFields: [...overlays.keys()].sort(),
  }
}

/** Edits must stay inside the image they annotate: the same rule the importer applies. */
export function checkInsideImage(op: EditOp, width: number, height: number): string | null {
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x <= width && y <= height
  if (op.op === 'keypoint.set' && !inside(op.x, op.y)) {
    return `keypoint ${op.kpId} at (${op.x}, ${op.y}) is outside the ${width}x${height} image`
  }
  if (op.op === 'bbox.set') {
    const [x1, y1, x2, y2] = op.bbox
    if (!(x1 < x2 && y1 < y2)) return `bbox [${op.bbox.join(', ')}] needs x1 < x2 and y1 < y2`
    if (!inside(x1, y1) || !inside(x2, y2)) return `bbox [${op.bbox.join(', ')}] leaves the ${width}x${height} image`
  }
  return null
}
