import { basename } from 'node:path'
import type { MeshFit } from '../../engine/infer/fit-image'
import { fitImage } from '../../engine/infer/fit-image'
import type { CategoryModel } from '../../engine/model/category-model'
import type { Db } from '../../store/migration'
import type { FeaturesService } from '../features/features-service'
import type { ImageInput } from './training-inputs'

type StoredFit = Omit<MeshFit, 'vertices' | 'projected' | 'visible' | 'faces' | 'code'> & { code: number[] }

const floats = (b: Buffer): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))

/**
 * Instance meshes fitted to images with a category model frozen (150 steps each), cached per
 * (checkpoint content, image features file = image content + crop): asking again is a lookup.
 */
export class MeshFits {
  private readonly find
  private readonly store

  constructor(
    db: Db,
    private readonly features: FeaturesService,
    private readonly model: CategoryModel,
    private readonly checkpoint: string,
  ) {
    this.find = db.prepare('SELECT fit, vertices, projected, visible FROM mesh_fits WHERE checkpoint = ? AND image = ?')
    this.store = db.prepare(
      'INSERT OR REPLACE INTO mesh_fits (checkpoint, image, fit, vertices, projected, visible, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
  }

  fit(input: ImageInput): MeshFit {
    return this.lookup(input).fit
  }

  /** The fit and whether it came from the cache. */
  lookup(input: ImageInput): { fit: MeshFit; cache: 'hit' | 'miss' } {
    const image = basename(input.entry.file)
    const hit = this.find.get(this.checkpoint, image) as { fit: string; vertices: Buffer; projected: Buffer; visible: Buffer } | undefined
    if (hit) {
      const stored = JSON.parse(hit.fit) as StoredFit
      const fit: MeshFit = {
        ...stored,
        code: new Float32Array(stored.code),
        vertices: floats(hit.vertices),
        projected: floats(hit.projected),
        visible: new Uint8Array(hit.visible),
        faces: this.model.template.faces,
      }
      return { fit, cache: 'hit' }
    }
    const fit = fitImage(this.model, { features: this.features.load(input.entry), mask: input.mask })
    const { vertices, projected, visible, faces: _faces, code, ...rest } = fit
    const bytes = (a: Float32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
    this.store.run(this.checkpoint, image, JSON.stringify({ ...rest, code: [...code] }), bytes(vertices), bytes(projected), bytes(visible), new Date().toISOString())
    return { fit, cache: 'miss' }
  }
}
