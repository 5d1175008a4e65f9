/** A model file on the Hugging Face hub, as `hf:<org>/<name>[@<revision>][:<file in the repo>]` names it. */
export interface HfModelName {
  /** `org/name`. */
  repo: string
  /** A branch, tag or 40-hex commit; `main` when not given. */
  revision: string
  /** Path of the ONNX file inside the repo; `onnx/model.onnx` (transformers.js's layout) when not given. */
  file: string
}

export const HF_PREFIX = 'hf:'
export const DEFAULT_HF_FILE = 'onnx/model.onnx'
export const DEFAULT_HF_REVISION = 'main'

const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/
const REVISION = /^[A-Za-z0-9._/-]{1,200}$/
export const COMMIT_HASH = /^[0-9a-f]{40}$/

export function isHfName(id: string): boolean {
  return id.startsWith(HF_PREFIX)
}

/** A path inside a repo: relative, `/`-separated, no `.`/`..` segments (it becomes a path in the cache). */
function checkRepoPath(id: string, file: string): string {
  const parts = file.split('/')
  if (file.length === 0 || file.length > 500 || file.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`backbone ${id}: '${file}' is not a file path inside a repo (relative, '/'-separated, no '..')`)
  }
  return file
}

/** Parses an `hf:` backbone name; throws, naming the part, when it is malformed. */
export function parseHfName(id: string): HfModelName {
  if (!isHfName(id)) throw new Error(`backbone ${id}: not an hf: name`)
  const rest = id.slice(HF_PREFIX.length)
  const colon = rest.indexOf(':')
  const head = colon < 0 ? rest : rest.slice(0, colon)
  const file = colon < 0 ? DEFAULT_HF_FILE : checkRepoPath(id, rest.slice(colon + 1))
  const at = head.indexOf('@')
  const repo = at < 0 ? head : head.slice(0, at)
  const revision = at < 0 ? DEFAULT_HF_REVISION : head.slice(at + 1)
  const parts = repo.split('/')
  if (parts.length !== 2 || !parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.endsWith('.'))) {
    throw new Error(`backbone ${id}: the repo must be <org>/<name> (letters, digits, '.', '_', '-'), e.g. hf:onnx-community/dinov2-small`)
  }
  if (!REVISION.test(revision) || revision.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`backbone ${id}: '${revision}' is not a revision (a branch, tag or commit hash)`)
  }
  return { repo, revision, file }
}

export function formatHfName(name: HfModelName): string {
  const revision = name.revision === DEFAULT_HF_REVISION ? '' : `@${name.revision}`
  const file = name.file === DEFAULT_HF_FILE ? '' : `:${name.file}`
  return `${HF_PREFIX}${name.repo}${revision}${file}`
}
