import { z } from 'zod'
import { channel } from '../define'
import { DatasetName, Point } from './datasets'
import { Variant } from './train'

const RunId = z.string().min(1).max(200)
const ImageRef = z.object({ category: z.string().min(1).max(200), stem: z.string().min(1).max(200) }).strict()
const Count = z.number().int().nonnegative()

/** How many leading feature dimensions each vertex reports (the whole vector stays in main). */
export const FEATURE_HEAD = 8

/** A mesh of a run's category model, flat arrays so that a 2,562-vertex mesh stays one compact frame. */
export const MeshData = z.object({
  runId: z.string(),
  category: z.string(),
  variant: Variant,
  /** sha256 of the checkpoint's weights the mesh comes from. */
  checkpoint: z.string(),
  vertexCount: Count,
  faceCount: Count,
  /** xyz triples in model units; model frame +x lateral, +y up, +z forward. */
  vertices: z.array(z.number()),
  /** Vertex-index triples, wound outward. */
  faces: z.array(Count),
  /** RGB triples in [0, 1]: the first 3 PCA components of the per-vertex features (fixed by the canonical mesh, so colours agree across meshes of a run). */
  pcaColours: z.array(z.number()),
  /** |V_i - V0_i| per vertex (0 on the canonical mesh). */
  deformation: z.array(z.number()),
  /** Feature channels per vertex (Phi, or the feature field at the vertex for baseline and semagic-ii). */
  featureDims: Count,
  /** The first `featureHead` channels of each vertex's feature, vertex-major. */
  featureHead: Count,
  features: z.array(z.number()),
  /** How the features come about: learned per vertex (Phi) or a field of position evaluated at the vertices. */
  featureSource: z.enum(['per-vertex', 'field']),
})
export type MeshData = z.infer<typeof MeshData>

export const InstanceKeypoint = z.object({
  /** SPair keypoint id (0-29). */
  id: z.number().int().min(0).max(29),
  /** Where it is annotated, in image pixels. */
  point: Point,
  visible: z.boolean(),
  /** The vertex of the fitted mesh under it (the rasterised face's vertex with the largest barycentric weight; the nearest visible projected vertex off the mesh). */
  vertex: Count.nullable(),
})
export type InstanceKeypoint = z.infer<typeof InstanceKeypoint>

export const InstanceMesh = MeshData.extend({
  dataset: z.string(),
  image: z.object({ category: z.string(), stem: z.string(), file: z.string(), width: Count, height: Count }),
  /** The fitted weak-perspective camera (row-major rotation; p = s (R V)_xy + t in normalised crop coordinates, y down). */
  camera: z.object({ rotation: z.array(z.number()).length(9), scale: z.number(), translation: z.tuple([z.number(), z.number()]) }),
  pose: z.object({ azimuth: z.number(), elevation: z.number(), roll: z.number() }),
  /** 1 where the vertex is visible (z-buffer and facing the camera), else 0. */
  visible: z.array(z.number().int().min(0).max(1)),
  /** Projected vertices, xy pairs in image pixels. */
  projected: z.array(z.number()),
  keypoints: z.array(InstanceKeypoint),
  fit: z.object({ loss: z.number(), hypothesis: z.number().int(), cache: z.enum(['hit', 'miss']) }),
})
export type InstanceMesh = z.infer<typeof InstanceMesh>

export const MeshFormat = z.enum(['obj', 'glb'])
export type MeshFormat = z.infer<typeof MeshFormat>

export const meshesChannels = {
  'meshes.canonical': channel({
    doc: "A finished training run's canonical template V0 with its per-vertex feature PCA colours.",
    request: z.object({ runId: RunId }).strict(),
    response: MeshData,
  }),
  'meshes.instance': channel({
    doc: "The predicted instance mesh of one image of a data set for a run (fitted once, then read from the cache): camera, visibility, projections in image pixels, deformation, feature colours and the annotated keypoints' vertices.",
    request: z.object({ runId: RunId, dataset: DatasetName, image: ImageRef }).strict(),
    response: InstanceMesh,
  }),
  'meshes.export': channel({
    doc: "The canonical mesh (no image) or an image's instance mesh as OBJ (with vertex colours) or binary glTF (COLOR_0 from the feature PCA): written to `out` (an absolute path), or returned base64-encoded when `out` is left out.",
    request: z
      .object({
        runId: RunId,
        dataset: DatasetName.optional(),
        image: ImageRef.optional(),
        format: MeshFormat,
        out: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .refine((r) => (r.dataset === undefined) === (r.image === undefined), { message: 'dataset and image go together: give both for an instance mesh, neither for the canonical one', path: ['image'] }),
    response: z.object({
      format: MeshFormat,
      file: z.string().nullable(),
      /** The file's content, base64, when no `out` was given. */
      base64: z.string().nullable(),
      bytes: Count,
      vertexCount: Count,
      faceCount: Count,
      /** A file name to save it under: `<run>-canonical.obj`, `<run>-<category>-<stem>.glb`. */
      suggestedName: z.string(),
    }),
  }),
}
