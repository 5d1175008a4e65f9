import { z } from 'zod'

/** SPair image annotations hold 30 keypoint slots ("0".."29"); a category uses at most that many. */
export const MAX_ASSET_KEYPOINTS = 30

/** Keypoint and category names end up in file names and README lines: keep them plain. */
const Identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores, starting with a letter')

export const AssetKeypoint = z.object({
  name: Identifier,
  /** Index into POSITION of the file's mesh primitive (bind pose). */
  vertex: z.number().int().nonnegative(),
})
export type AssetKeypoint = z.infer<typeof AssetKeypoint>

/**
 * The keypoints of a glTF asset, as the Meshes view saves them and `datasets make` reads them:
 * which vertices of one mesh primitive are which named keypoint (ids are positions in the
 * list), and which keypoints swap under a left-right mirror.
 */
export const AssetKeypointFile = z
  .object({
    /** The asset's file name, relative to the keypoint file's folder. */
    asset: z.string().min(1).max(260),
    /** The category the data set files its images under; default: the asset's file stem, lower-cased. */
    category: Identifier.optional(),
    /** The glTF mesh's name (or `mesh<index>` for an unnamed one) and the primitive within it. */
    mesh: z.string().min(1).max(200),
    primitive: z.number().int().nonnegative().default(0),
    keypoints: z.array(AssetKeypoint).min(1).max(MAX_ASSET_KEYPOINTS),
    /** Left keypoint name -> right keypoint name, each pair once. */
    mirror: z.record(Identifier, Identifier).default({}),
    /** Attribution the asset's licence asks for (CC-BY): copied into every data set's README. */
    credits: z.array(z.string().max(500)).max(20).default([]),
  })
  .superRefine((file, ctx) => {
    const names = new Map<string, number>()
    file.keypoints.forEach((k, i) => {
      const first = names.get(k.name)
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['keypoints', i, 'name'], message: `"${k.name}" is already keypoints[${first}]'s name` })
      else names.set(k.name, i)
    })
    const paired = new Map<string, string>()
    for (const [left, right] of Object.entries(file.mirror)) {
      for (const name of [left, right]) {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['mirror', left], message: `"${name}" is not one of the keypoints' names` })
      }
      if (left === right) ctx.addIssue({ code: 'custom', path: ['mirror', left], message: 'a keypoint cannot be its own mirror twin; leave centre-line keypoints out' })
      for (const name of [left, right]) {
        const other = paired.get(name)
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['mirror', left], message: `"${name}" is already paired with "${other}"` })
      }
      paired.set(left, right)
      paired.set(right, left)
    }
  })
export type AssetKeypointFile = z.infer<typeof AssetKeypointFile>

/** `keypoints[3].vertex`-style path of a zod issue, `(root)` for the document itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`
  return out === '' ? '(root)' : out
}
