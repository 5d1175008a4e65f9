import type { CuratedImage, EditOp } from '../../../../shared/ipc/channels/curation'
import type { Bbox } from '../../../../shared/ipc/channels/datasets'
import { clamp, round1 } from '../image/view-transform'

type Map2 = (x: number, y: number) => [number, number]

/**
 * Where a point of the previous image should land on this one: through the two boxes when both
 * have one (the object, not the frame, is what keeps its shape between SPair images), otherwise
 * through the image sizes.
 */
function mapping(from: CuratedImage, to: CuratedImage): Map2 {
  const a: Bbox | null = from.bbox
  const b: Bbox | null = to.bbox
  if (a && b && a[2] > a[0] && a[3] > a[1]) {
    const sx = (b[2] - b[0]) / (a[2] - a[0])
    const sy = (b[3] - b[1]) / (a[3] - a[1])
    return (x, y) => [b[0] + (x - a[0]) * sx, b[1] + (y - a[1]) * sy]
  }
  const sx = to.original.width / Math.max(1, from.original.width)
  const sy = to.original.height / Math.max(1, from.original.height)
  return (x, y) => [x * sx, y * sy]
}

/**
 * The edits of "copy keypoints from the previous image", as one gesture: a keypoint.set per
 * slot the previous image has, plus a visibility edit where the copied point's visibility differs
 * from what keypoint.set would leave (it keeps the target slot's own flag).
 */
export function copyKeypointEdits(from: CuratedImage, to: CuratedImage, replace: boolean): EditOp[] {
  const map = mapping(from, to)
  const key = { category: to.original.category, stem: to.original.stem }
  const edits: EditOp[] = []
  from.keypoints.forEach((k, kpId) => {
    if (!k) return
    const current = to.keypoints[kpId] ?? null
    if (current && !replace) return
    const [mx, my] = map(k.point[0], k.point[1])
    const x = round1(clamp(mx, 0, to.original.width))
    const y = round1(clamp(my, 0, to.original.height))
    edits.push({ op: 'keypoint.set', ...key, kpId, x, y })
    if ((current?.visible ?? true) !== k.visible) edits.push({ op: 'keypoint.visibility', ...key, kpId, visible: k.visible })
  })
  return edits
}
