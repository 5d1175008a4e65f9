import { writeFileSync, existsSync, statSync } from 'node:fs'
import { dirname, isAbsolute } from 'node:path'
import type { InstanceMesh, MeshData, MeshFormat } from '../../../shared/ipc/channels/meshes'
import { FEATURE_HEAD } from '../../../shared/ipc/channels/meshes'
import type { TrainConfig } from '../../../shared/ipc/channels/train'
import { AppError, notFound } from '../../core/app-error'
import { vertexUnder } from '../../engine/correspondence/mesh-transfer'
import { MeshExportError, meshToGlb, meshToObj } from '../../engine/export/mesh-files'
import type { MeshFit } from '../../engine/infer/fit-image'
import { categoryForward, instanceForward } from '../../engine/model/category-model'
import type { CategoryModel, CategoryShape } from '../../engine/model/category-model'
import { instanceSize } from '../../engine/model/config'
import type { Db } from '../../store/migration'
import type { CurationService } from '../curation/curation-service'
import type { FeaturesService } from '../features/features-service'
import { MeshFits } from '../train/mesh-fits'
import type { TrainService } from '../train/train-service'
import { imageInputs } from '../train/training-inputs'
import { featureColourBasis, featureColours } from './feature-colours'
import type { FeatureColourBasis } from './feature-colours'

interface LoadedRun {
  runId: string
  config: TrainConfig
  model: CategoryModel
  checkpoint: string
  shape: CategoryShape
  colours: FeatureColourBasis
  fits: MeshFits
  canonical: MeshData
  canonicalArrays: MeshArrays
}

/** Raw arrays of one mesh before they are rounded for the wire or written to a file. */
interface MeshArrays {
  vertices: ArrayLike<number>
  faces: Uint32Array
  colours: Float32Array
  deformation: Float64Array
  features: Float64Array
}

export interface ImageRef {
  category: string
  stem: string
}

/** Runs kept loaded (model, canonical mesh, colour basis): a few, the views switch between them. */
const LOADED_RUNS = 4

/** Numbers on the wire: enough digits for drawing and reading, a third of JSON's float64 text. */
const round = (a: ArrayLike<number>, digits: number): number[] => {
  const f = 10 ** digits
  const out = new Array<number>(a.length)
  for (let q = 0; q < a.length; q++) out[q] = Math.round(a[q]! * f) / f
  return out
}

/**
 * The meshes of trained runs for the Meshes view and for export: the canonical template V0 and
 * the instance mesh fitted to any image (fits cached in SQLite per checkpoint and image, as
 * `mesh:<run>` caches them), coloured by the PCA of the per-vertex features.
 */
export class MeshesService {
  private readonly runs = new Map<string, LoadedRun>()

  constructor(
    private readonly db: Db,
    private readonly features: FeaturesService,
    private readonly train: TrainService,
    private readonly curation: CurationService,
  ) {}

  canonical(runId: string): MeshData {
    return this.load(runId).canonical
  }

  async instance(runId: string, dataset: string, image: ImageRef): Promise<InstanceMesh> {
    return (await this.instanceParts(runId, dataset, image)).mesh
  }

  async export(req: { runId: string; dataset?: string; image?: ImageRef; format: MeshFormat; out?: string }): Promise<{
    format: MeshFormat
    file: string | null
    base64: string | null
    bytes: number
    vertexCount: number
    faceCount: number
    suggestedName: string
  }> {
    if ((req.dataset === undefined) !== (req.image === undefined)) {
      throw new AppError('BAD_INPUT', 'image: give dataset and image together for an instance mesh, neither for the canonical one')
    }
    if (req.out !== undefined) {
      if (!isAbsolute(req.out)) throw new AppError('BAD_INPUT', `out: must be an absolute path, got "${req.out}"`)
      if (!existsSync(dirname(req.out)) || !statSync(dirname(req.out)).isDirectory()) throw new AppError('BAD_INPUT', `out: folder ${dirname(req.out)} does not exist`)
      if (existsSync(req.out) && statSync(req.out).isDirectory()) throw new AppError('BAD_INPUT', `out: ${req.out} is a folder; give a file name`)
    }
    const run = this.load(req.runId)
    let arrays: MeshArrays
    let name: string
    if (req.dataset !== undefined && req.image !== undefined) {
      arrays = (await this.instanceParts(req.runId, req.dataset, req.image)).arrays
      name = `${req.runId}-${req.image.category}-${req.image.stem}`
    } else {
      arrays = run.canonicalArrays
      name = `${req.runId}-canonical`
    }
    let content: Buffer
    try {
      const mesh = { vertices: arrays.vertices, faces: arrays.faces, colours: arrays.colours, name }
      content = req.format === 'obj' ? Buffer.from(meshToObj(mesh), 'utf8') : meshToGlb(mesh)
    } catch (error) {
      if (error instanceof MeshExportError) throw new AppError('BAD_INPUT', error.message)
      throw error
    }
    if (req.out !== undefined) writeFileSync(req.out, content)
    return {
      format: req.format,
      file: req.out ?? null,
      base64: req.out === undefined ? content.toString('base64') : null,
      bytes: content.length,
      vertexCount: arrays.vertices.length / 3,
      faceCount: arrays.faces.length / 3,
      suggestedName: `${name.replace(/[^\w.-]+/g, '_')}.${req.format}`,
    }
  }

  private load(runId: string): LoadedRun {
    const cached = this.runs.get(runId)
    if (cached) {
      // Most recently used last.
      this.runs.delete(runId)
      this.runs.set(runId, cached)
      return cached
    }
    const { model, checkpoint, config } = this.train.loadModel(runId)
    const shape = categoryForward(model)
    const canon = instanceForward(model, shape, new Float64Array(instanceSize(model.config)))
    const colours = featureColourBasis(canon.view.features, model.channels)
    const partial = { runId, config, model, checkpoint, shape, colours, fits: new MeshFits(this.db, this.features, model, checkpoint, this.train.fitPool()) }
    const arrays: MeshArrays = {
      vertices: shape.V0,
      faces: model.template.faces,
      colours: featureColours(colours, canon.view.features),
      deformation: new Float64Array(model.template.vertexCount),
      features: canon.view.features,
    }
    const run: LoadedRun = { ...partial, canonical: this.meshData(partial, arrays), canonicalArrays: arrays }
    this.runs.set(runId, run)
    while (this.runs.size > LOADED_RUNS) this.runs.delete(this.runs.keys().next().value!)
    return run
  }

  private meshData(run: Pick<LoadedRun, 'runId' | 'config' | 'model' | 'checkpoint'>, a: MeshArrays): MeshData {
    const n = a.vertices.length / 3
    const C = run.model.channels
    const head = Math.min(FEATURE_HEAD, C)
    const features = new Float64Array(n * head)
    for (let i = 0; i < n; i++) for (let c = 0; c < head; c++) features[i * head + c] = a.features[i * C + c]!
    return {
      runId: run.runId,
      category: run.config.category,
      variant: run.config.variant,
      checkpoint: run.checkpoint,
      vertexCount: n,
      faceCount: a.faces.length / 3,
      vertices: round(a.vertices, 5),
      faces: Array.from(a.faces),
      pcaColours: round(a.colours, 4),
      deformation: round(a.deformation, 5),
      featureDims: C,
      featureHead: head,
      features: round(features, 4),
      featureSource: run.model.features ? 'per-vertex' : 'field',
    }
  }

  private async instanceParts(runId: string, dataset: string, ref: ImageRef): Promise<{ mesh: InstanceMesh; arrays: MeshArrays }> {
    const run = this.load(runId)
    const key = `${ref.category}/${ref.stem}`
    const curated = this.curation.image(dataset, ref.category, ref.stem)
    if (ref.category !== run.config.category) {
      throw new AppError('BAD_INPUT', `image: run ${runId} models category "${run.config.category}"; ${key} is a "${ref.category}" image`)
    }
    const { inputs, skipped } = await imageInputs(this.db, this.features, dataset, run.config.backbone, { keys: new Set([key]) }, undefined, { colour: run.model.config.appearance > 0 })
    const input = inputs[0]
    if (!input) throw skipped.length > 0 ? new AppError('BAD_INPUT', `image: cannot fit ${skipped.join('; ')}`) : notFound(`image ${key} in data set "${dataset}"`)
    const { fit, cache } = await run.fits.lookup(input)
    const inst = instanceForward(run.model, run.shape, fit.code)
    const n = run.model.template.vertexCount
    const deformation = new Float64Array(n)
    const V0 = run.shape.V0
    for (let i = 0; i < n; i++) {
      deformation[i] = Math.hypot(fit.vertices[3 * i]! - V0[3 * i]!, fit.vertices[3 * i + 1]! - V0[3 * i + 1]!, fit.vertices[3 * i + 2]! - V0[3 * i + 2]!)
    }
    const arrays: MeshArrays = {
      vertices: fit.vertices,
      faces: run.model.template.faces,
      colours: featureColours(run.colours, inst.view.features),
      deformation,
      features: inst.view.features,
    }
    const t = input.entry.transform
    // Fits work in their own crop frame (the mask's resolution); the features' crop maps to the image.
    const fromFit = t.size / fit.cropSize
    const projected = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      const [x, y] = t.toImage([fit.projected[2 * i]! * fromFit, fit.projected[2 * i + 1]! * fromFit])
      projected[2 * i] = x
      projected[2 * i + 1] = y
    }
    const annotated = curated.keypoints.flatMap((k, id) => (k ? [{ id, point: k.point, visible: k.visible }] : []))
    const vertices = vertexUnder(
      fit,
      annotated.map(({ point }) => {
        const [x, y] = t.toCrop(point)
        return [x / fromFit, y / fromFit] as const
      }),
    )
    const o = curated.original
    const mesh: InstanceMesh = {
      ...this.meshData(run, arrays),
      dataset,
      image: { category: o.category, stem: o.stem, file: o.file, width: o.width, height: o.height },
      camera: cameraOf(fit),
      pose: fit.pose,
      visible: Array.from(fit.visible),
      projected: round(projected, 2),
      keypoints: annotated.map((k, j) => ({ ...k, vertex: vertices[j] ?? null })),
      fit: { loss: fit.loss.total, hypothesis: fit.hypothesis, cache },
    }
    return { mesh, arrays }
  }
}

const cameraOf = (fit: MeshFit): InstanceMesh['camera'] => ({
  rotation: [...fit.camera.rotation],
  scale: fit.camera.scale,
  translation: [fit.camera.translation[0], fit.camera.translation[1]],
})
