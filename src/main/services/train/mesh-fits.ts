import { basename } from 'node:path'
import type { RanOn } from '../../../shared/device'
import type { MeshFit } from '../../engine/infer/fit-image'
import type { CategoryModel } from '../../engine/model/category-model'
import type { Db } from '../../store/migration'
import { fitImages } from '../../train/fit-pool'
import type { FitPoolOptions } from '../../train/fit-pool'
import type { FeaturesService } from '../features/features-service'
import type { ImageInput } from './training-inputs'

type StoredFit = Omit<MeshFit, 'vertices' | 'projected' | 'visible' | 'faces' | 'code'> & { code: number[] }

const floats = (b: Buffer): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))

/**
 * Instance meshes fitted to images with a category frozen (150 steps each), cached per
 * (checkpoint content, image features file = image content + crop): asking again is a lookup.
 * Fits that are not cached run on the fitting pool's device (a GPU, or the CPU's helper threads).
 */
export class MeshFits {
  private readonly find
  private readonly store

  constructor(
    db: Db,
    private readonly features: FeaturesService,
    private readonly model: CategoryModel,
    private readonly checkpoint: string,
    private readonly pool: FitPoolOptions,
  ) {
    this.find = db.prepare('SELECT fit, vertices, projected, visible FROM mesh_fits WHERE checkpoint = ? AND image = ?')
    this.store = db.prepare(
      'INSERT OR REPLACE INTO mesh_fits (checkpoint, image, fit, vertices, projected, visible, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
  }

  /** One image's fit and whether it came from the cache. */
  async lookup(input: ImageInput): Promise<{ fit: MeshFit; cache: 'hit' | 'miss' }> {
    const hit = this.cached(input)
    if (hit) return { fit: hit, cache: 'hit' }
    const fits = await this.fitAll([input])
    return { fit: fits.get(input.key)!, cache: 'miss' }
  }

  /**
   * The fits of these images by key: cached ones read, the others fitted (in parallel) and
   * stored as each arrives, so that a cancelled job keeps what it finished. Without a cancel,
   * every input has its fit. `requireHypotheses`: a cached fit stored before fits kept their
   * ranked hypotheses is fitted again (the same seeded fit, so the same kept camera) to have them.
   */
  async fitAll(
    inputs: readonly ImageInput[],
    hooks: { progress?(done: number, total: number): void; shouldStop?(): boolean; onDevice?(ranOn: RanOn): void; requireHypotheses?: boolean } = {},
  ): Promise<Map<string, MeshFit>> {
    const out = new Map<string, MeshFit>()
    const missing: ImageInput[] = []
    for (const input of inputs) {
      const hit = this.cached(input)
      if (hit && (hit.hypotheses || !hooks.requireHypotheses)) out.set(input.key, hit)
      else missing.push(input)
    }
    const byKey = new Map(missing.map((i) => [i.key, i]))
    hooks.progress?.(out.size, inputs.length)
    await fitImages(
      this.model,
      [...byKey.keys()],
      (key) => {
        const input = byKey.get(key)!
        return { key, features: this.features.load(input.entry), mask: input.mask, ...(input.colour ? { colour: input.colour } : {}) }
      },
      this.pool,
      {
        onFit: (key, fit) => {
          this.remember(byKey.get(key)!, fit)
          out.set(key, fit)
          hooks.progress?.(out.size, inputs.length)
        },
        ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
        ...(hooks.onDevice ? { onDevice: hooks.onDevice } : {}),
      },
    )
    return out
  }

  private cached(input: ImageInput): MeshFit | null {
    const hit = this.find.get(this.checkpoint, basename(input.entry.file)) as { fit: string; vertices: Buffer; projected: Buffer; visible: Buffer } | undefined
    if (!hit) return null
    const stored = JSON.parse(hit.fit) as StoredFit
    return {
      ...stored,
      code: new Float32Array(stored.code),
      vertices: floats(hit.vertices),
      projected: floats(hit.projected),
      visible: new Uint8Array(hit.visible),
      faces: this.model.template.faces,
    }
  }

  private remember(input: ImageInput, fit: MeshFit): void {
    const { vertices, projected, visible, faces: _faces, code, ...rest } = fit
    const bytes = (a: Float32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
    this.store.run(this.checkpoint, basename(input.entry.file), JSON.stringify({ ...rest, code: [...code] }), bytes(vertices), bytes(projected), bytes(visible), new Date().toISOString())
  }
}
