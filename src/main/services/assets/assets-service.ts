import { existsSync, readFileSync, rmSync } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative } from 'node:path'
import type { AssetKeypointFile } from '../../../shared/assets/keypoint-file'
import type { AssetExample, AssetView, MakeRequest, MakeResult } from '../../../shared/ipc/channels/assets'
import type { ImportResult } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { writeFileAtomic } from '../../core/atomic-write'
import { readGltfAsset } from '../../datasets/asset/gltf-asset'
import type { GltfAsset } from '../../datasets/asset/gltf-asset'
import { keypointPrimitive, parseKeypointFile, readKeypointFile } from '../../datasets/asset/keypoint-file'
import { makeAssetDataset } from '../../datasets/asset/make-asset-dataset'
import { posePositions } from '../../datasets/asset/pose'
import { albedoAt } from '../../datasets/synthetic/materials'
import { resourcesDir } from '../../resources-dir'
import type { Db } from '../../store/migration'
import { findDataset } from '../datasets/dataset-queries'
import type { DatasetsService } from '../datasets/datasets-service'
import type { JobManager } from '../jobs/job-manager'

/** The keypoint file of a shipped example: `resources/assets/<example>/`, named by its asset's stem. */
export function exampleKeypointFile(example: AssetExample): string {
  const dir = join(resourcesDir(), 'assets', example)
  const file = join(dir, `${example[0]!.toUpperCase()}${example.slice(1)}.keypoints.json`)
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `the ${example} example's keypoint file is missing: ${file}`)
  return file
}

/** `<asset stem>.keypoints.json` beside the asset: where the Meshes view looks for and saves keypoints. */
export function defaultKeypointPath(assetPath: string): string {
  return join(dirname(assetPath), `${basename(assetPath, extname(assetPath))}.keypoints.json`)
}

/**
 * Benchmarks rendered from glTF assets (generated under `made/<name>` in the workspace, then
 * imported), and the Meshes view's asset keypoint editing.
 */
export class AssetsService {
  private readonly making = new Set<string>()

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly jobs: JobManager,
    private readonly datasets: DatasetsService,
  ) {}

  /** Where `assets.make` writes the tree of data set `name`. */
  root(name: string): string {
    return join(this.dataDir, 'made', name)
  }

  /** Checks the request at once (a bad file is an error of the call), then renders and imports as a job. */
  async startMake(request: MakeRequest): Promise<{ jobId: string }> {
    const { name } = request
    if (findDataset(this.db, name) !== undefined) throw new AppError('CONFLICT', `data set "${name}" already exists; choose another name`)
    if (this.making.has(name)) throw new AppError('CONFLICT', `data set "${name}" is already being made`)
    const keypoints = request.example !== undefined ? exampleKeypointFile(request.example) : request.keypoints!
    for (const path of [keypoints, request.asset]) {
      if (path !== undefined && !isAbsolute(path)) throw new AppError('BAD_INPUT', `paths must be absolute, got ${path}`)
    }
    try {
      const loaded = await readKeypointFile(keypoints)
      keypointPrimitive(await readGltfAsset(request.asset ?? loaded.assetPath), loaded.file, keypoints)
    } catch (error) {
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
    this.making.add(name)
    const root = this.root(name)
    const title = `Make ${name} from ${request.example ?? basename(keypoints)}`
    const jobId = this.jobs.start('assets.make', title, { ...request, keypoints }, async (ctx): Promise<MakeResult> => {
      try {
        // The tree is renamed into place whole, so a folder here without a data set is a leftover of ours.
        if (existsSync(root)) rmSync(root, { recursive: true, force: true })
        const summary = await makeAssetDataset({
          keypoints,
          asset: request.asset,
          out: root,
          images: request.images,
          seed: request.seed,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress(done, total, 'images', `rendering ${name}`),
        }).catch((error: unknown) => {
          if (ctx.signal.aborted) ctx.throwIfCancelled()
          throw error
        })
        const imported: ImportResult = await this.datasets.importTree(root, name, ctx)
        const counts = summary.categories[summary.category]!
        return {
          name: imported.name,
          root,
          category: summary.category,
          asset: summary.asset,
          images: counts.images,
          pairs: counts.pairs,
          keypoints: summary.keypointNames[summary.category]!,
        }
      } finally {
        this.making.delete(name)
      }
    })
    return { jobId }
  }

  async open(path: string): Promise<AssetView> {
    if (!isAbsolute(path)) throw new AppError('BAD_INPUT', `the asset path must be absolute, got ${path}`)
    const asset = await this.readAsset(path)
    const rest = posePositions(asset, { animation: -1, time: 0 })
    const keypointsPath = defaultKeypointPath(path)
    let keypoints: AssetKeypointFile | null = null
    let keypointsError: string | null = null
    if (existsSync(keypointsPath)) {
      try {
        keypoints = parseKeypointFile(readFileSync(keypointsPath, 'utf8'), keypointsPath)
        keypointPrimitive(asset, keypoints, keypointsPath)
      } catch (error) {
        keypoints = null
        keypointsError = (error as Error).message
      }
    }
    return {
      path,
      primitives: asset.primitives.map((p, k) => ({
        mesh: p.mesh,
        primitive: p.primitive,
        vertexCount: p.positions.length / 3,
        vertices: Array.from(rest[k]!),
        faces: Array.from(p.faces),
        colours: vertexColours(p),
      })),
      animations: asset.animations.map((a) => ({ name: a.name, duration: a.duration })),
      keypointsPath,
      keypoints,
      keypointsError,
    }
  }

  async saveKeypoints(path: string, assetPath: string, file: AssetKeypointFile): Promise<{ path: string; keypoints: number }> {
    if (!isAbsolute(path) || !isAbsolute(assetPath)) throw new AppError('BAD_INPUT', 'the keypoint file and asset paths must be absolute')
    if (extname(path) !== '.json') throw new AppError('BAD_INPUT', `${path}: a keypoint file ends in .json`)
    const asset = await this.readAsset(assetPath)
    const placed: AssetKeypointFile = { ...file, asset: relative(dirname(path), assetPath).split('\\').join('/') }
    try {
      keypointPrimitive(asset, placed, path)
    } catch (error) {
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
    writeFileAtomic(path, `${JSON.stringify(placed, null, 2)}\n`)
    return { path, keypoints: placed.keypoints.length }
  }

  private async readAsset(path: string): Promise<GltfAsset> {
    try {
      return await readGltfAsset(path)
    } catch (error) {
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
  }
}

/** The base colour at each vertex's UV (the factor alone without a texture). */
function vertexColours(p: GltfAsset['primitives'][number]): number[] {
  const n = p.positions.length / 3
  const out = new Array<number>(3 * n)
  const texture = p.material.texture
  const rgb = new Float64Array(3)
  for (let v = 0; v < n; v++) {
    if (texture !== null && p.texCoords !== null) albedoAt({ texture, factor: p.material.baseColor, gloss: 0 }, p.texCoords[2 * v]!, p.texCoords[2 * v + 1]!, 0, rgb)
    else rgb.set(p.material.baseColor)
    out[3 * v] = rgb[0]!
    out[3 * v + 1] = rgb[1]!
    out[3 * v + 2] = rgb[2]!
  }
  return out
}
