import { cropSquare } from '../../images/crop-square'
import type { BBox } from '../../images/crop-square'
import { readImageFile } from '../../images/decode-image'
import type { Backbone, FeatureMap } from '../backbones/types'

/** One image to featurise: the file, and the square crop around its box. */
export interface ExtractTask {
  key: string
  path: string
  bbox: BBox | null
  margin: number
}

export type ExtractOutcome = { key: string; map: FeatureMap } | { key: string; error: string }

/**
 * Decodes, crops and featurises a batch with one backbone. A file that cannot be read fails
 * alone, with its path in the message; the others go on.
 */
export async function extractBatch(backbone: Backbone, tasks: ExtractTask[]): Promise<ExtractOutcome[]> {
  const size = backbone.describe().inputSize
  const ready: { key: string; image: ReturnType<typeof cropSquare>['image'] }[] = []
  const failed: ExtractOutcome[] = []
  for (const t of tasks) {
    try {
      const image = readImageFile(t.path)
      const bbox = t.bbox ?? ([0, 0, image.width, image.height] as const)
      ready.push({ key: t.key, image: cropSquare(image, bbox, t.margin, size).image })
    } catch (error) {
      failed.push({ key: t.key, error: `${t.path}: ${(error as Error).message}` })
    }
  }
  const maps = ready.length ? await backbone.extract(ready.map((r) => r.image)) : []
  return [...ready.map((r, i) => ({ key: r.key, map: maps[i]! })), ...failed]
}
