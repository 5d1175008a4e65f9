import { z } from 'zod'
import { AssetKeypointFile } from '../../assets/keypoint-file'
import { channel } from '../define'
import { DatasetName } from './datasets'

const Count = z.number().int().nonnegative()
const AbsolutePath = z.string().min(1).max(4096)

/** The assets the studio ships with a keypoint file (`resources/assets/<name>/`). */
export const ASSET_EXAMPLES = ['fox'] as const
export const AssetExample = z.enum(ASSET_EXAMPLES)
export type AssetExample = z.infer<typeof AssetExample>

/** One drawn primitive of an asset in its rest pose, flat arrays as MeshData has them. */
export const AssetPrimitiveMesh = z.object({
  mesh: z.string(),
  primitive: Count,
  vertexCount: Count,
  /** xyz triples in the asset's frame (+y up, facing +z). */
  vertices: z.array(z.number()),
  faces: z.array(Count),
  /** RGB triples in [0, 1]: the base colour (texture at the vertex's UV times the factor). */
  colours: z.array(z.number()),
})
export type AssetPrimitiveMesh = z.infer<typeof AssetPrimitiveMesh>

export const AssetView = z.object({
  /** The .glb, absolute. */
  path: z.string(),
  primitives: z.array(AssetPrimitiveMesh),
  animations: z.array(z.object({ name: z.string(), duration: z.number() })),
  /** Where the keypoint file is saved by default: `<asset stem>.keypoints.json` beside the asset. */
  keypointsPath: z.string(),
  /** That file's content when it exists and is valid; null otherwise. */
  keypoints: AssetKeypointFile.nullable(),
  /** Why an existing keypoint file could not be used (it names the file and the field). */
  keypointsError: z.string().nullable(),
})
export type AssetView = z.infer<typeof AssetView>

export const MakeRequest = z
  .object({
    name: DatasetName,
    /** A shipped example, or an asset and its keypoint file by absolute path. */
    example: AssetExample.optional(),
    asset: AbsolutePath.optional(),
    keypoints: AbsolutePath.optional(),
    images: z.number().int().min(6).max(99999).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
  .refine((r) => (r.example === undefined) !== (r.keypoints === undefined), { message: 'give either example or keypoints (with asset optional)', path: ['keypoints'] })
  .refine((r) => r.asset === undefined || r.keypoints !== undefined, { message: 'asset goes with keypoints: an example names its own asset', path: ['asset'] })
export type MakeRequest = z.infer<typeof MakeRequest>

export const MakeResult = z.object({
  name: z.string(),
  root: z.string(),
  category: z.string(),
  asset: z.string(),
  images: z.object({ trn: Count, val: Count, test: Count }),
  pairs: z.object({ trn: Count, val: Count, test: Count }),
  keypoints: z.array(z.string()),
})
export type MakeResult = z.infer<typeof MakeResult>

export const assetsChannels = {
  'assets.open': channel({
    doc: 'A glTF asset (absolute .glb path) in its rest pose with base colours per vertex, and its keypoint file when one sits beside it.',
    request: z.object({ path: AbsolutePath }).strict(),
    response: AssetView,
  }),
  'assets.saveKeypoints': channel({
    doc: "Validate a keypoint file against its asset and write it (absolute paths; the file's `asset` is rewritten relative to the JSON's folder; written whole, never half).",
    request: z.object({ path: AbsolutePath, assetPath: AbsolutePath, file: AssetKeypointFile }).strict(),
    response: z.object({ path: z.string(), keypoints: Count }),
  }),
  'assets.make': channel({
    doc: 'Render an asset benchmark (a shipped example, or an asset and keypoint file) into the workspace and import it, as a job whose result is a MakeResult.',
    request: MakeRequest,
    response: z.object({ jobId: z.string() }),
  }),
}
