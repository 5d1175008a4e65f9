import type { CuratedImage } from '../../../../shared/ipc/channels/curation'
import type { StageKeypoint } from './KeypointLayer'

/** The stage's view of a curated image's 30 slots. */
export function stageKeypoints(image: CuratedImage): (StageKeypoint | null)[] {
  return image.keypoints.map((k) => (k ? { x: k.point[0], y: k.point[1], visible: k.visible, edited: k.edited } : null))
}
