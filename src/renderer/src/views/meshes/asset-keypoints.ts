/**
 * Pure helpers of the Meshes view's "keypoints of an asset" mode: the draft being edited and
 * the mirror pairs it saves, tested in Node.
 */
import type { AssetKeypoint, AssetKeypointFile } from '../../../../shared/assets/keypoint-file'
import { AssetKeypointFile as KeypointFileSchema, MAX_ASSET_KEYPOINTS, issuePath } from '../../../../shared/assets/keypoint-file'

export interface KeypointDraft {
  mesh: string
  primitive: number
  keypoints: readonly AssetKeypoint[]
  /** Kept from the opened file; pairs whose names are gone are dropped on save. */
  mirror: Readonly<Record<string, string>>
  category?: string
  credits: readonly string[]
}

const NAME = /^[a-z][a-z0-9_]*$/

/**
 * The file's mirror pairs: the opened file's that still name two keypoints, plus every
 * `left_x` / `right_x` pair not yet in one.
 */
export function mirrorPairs(keypoints: readonly AssetKeypoint[], previous: Readonly<Record<string, string>>): Record<string, string> {
  const names = new Set(keypoints.map((k) => k.name))
  const paired = new Set<string>()
  const out: Record<string, string> = {}
  for (const [a, b] of Object.entries(previous)) {
    if (!names.has(a) || !names.has(b) || a === b || paired.has(a) || paired.has(b)) continue
    out[a] = b
    paired.add(a).add(b)
  }
  for (const name of names) {
    if (!name.startsWith('left_')) continue
    const twin = `right_${name.slice(5)}`
    if (names.has(twin) && !paired.has(name) && !paired.has(twin)) {
      out[name] = twin
      paired.add(name).add(twin)
    }
  }
  return out
}

/** The draft with keypoint `name` at `vertex` of primitive (mesh, primitive), or why not. */
export function placeKeypoint(draft: KeypointDraft, name: string, at: { mesh: string; primitive: number; vertex: number }): KeypointDraft | string {
  if (!NAME.test(name)) return 'a keypoint name uses lower-case letters, digits and underscores, starting with a letter (e.g. left_ear_tip)'
  if (draft.keypoints.length > 0 && (at.mesh !== draft.mesh || at.primitive !== draft.primitive)) {
    return `every keypoint sits on one mesh primitive: this one is on "${at.mesh}" primitive ${at.primitive}, the others on "${draft.mesh}" primitive ${draft.primitive}`
  }
  const index = draft.keypoints.findIndex((k) => k.name === name)
  if (index < 0 && draft.keypoints.length >= MAX_ASSET_KEYPOINTS) return `at most ${MAX_ASSET_KEYPOINTS} keypoints fit SPair's keypoint slots`
  const keypoints = index < 0 ? [...draft.keypoints, { name, vertex: at.vertex }] : draft.keypoints.map((k, i) => (i === index ? { name, vertex: at.vertex } : k))
  return { ...draft, mesh: at.mesh, primitive: at.primitive, keypoints }
}

export function removeKeypoint(draft: KeypointDraft, name: string): KeypointDraft {
  return { ...draft, keypoints: draft.keypoints.filter((k) => k.name !== name) }
}

/** Moves a keypoint one place up or down: its place in the list is its id in the data set. */
export function moveKeypoint(draft: KeypointDraft, name: string, by: -1 | 1): KeypointDraft {
  const i = draft.keypoints.findIndex((k) => k.name === name)
  const j = i + by
  if (i < 0 || j < 0 || j >= draft.keypoints.length) return draft
  const keypoints = [...draft.keypoints]
  ;[keypoints[i], keypoints[j]] = [keypoints[j]!, keypoints[i]!]
  return { ...draft, keypoints }
}

/** The file to save, validated by the shared schema; a string says what is wrong. */
export function keypointFileOf(draft: KeypointDraft, assetName: string): AssetKeypointFile | string {
  const parsed = KeypointFileSchema.safeParse({
    asset: assetName,
    ...(draft.category ? { category: draft.category } : {}),
    mesh: draft.mesh,
    primitive: draft.primitive,
    keypoints: draft.keypoints,
    mirror: mirrorPairs(draft.keypoints, draft.mirror),
    credits: draft.credits,
  })
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  return `${issuePath(issue.path)}: ${issue.message}`
}
