import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { HfModelName } from './hf-name'
import { COMMIT_HASH } from './hf-name'

/**
 * The hub's cache layout, as huggingface_hub and transformers write it, so that a model one
 * tool fetched is found by the others:
 *   <cache>/models--<org>--<name>/blobs/<etag>                the bytes, named by the hub's ETag
 *   <cache>/models--<org>--<name>/snapshots/<commit>/<path>   a relative symlink to ../../blobs/<etag>
 *   <cache>/models--<org>--<name>/refs/<revision>             the commit a branch or tag pointed at
 * A download in progress is blobs/<etag>.incomplete, renamed to its final name once checked.
 */
export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`)
}

export const blobPath = (folder: string, etag: string): string => join(folder, 'blobs', etag)
export const snapshotPath = (folder: string, commit: string, file: string): string => join(folder, 'snapshots', commit, ...file.split('/'))

/** The commit a revision resolves to in the cache: itself when it is a commit hash, else refs/<revision>. */
export function cachedCommit(folder: string, revision: string): string | null {
  if (COMMIT_HASH.test(revision)) return revision
  try {
    const commit = readFileSync(join(folder, 'refs', ...revision.split('/')), 'utf8').trim()
    return COMMIT_HASH.test(commit) ? commit : null
  } catch {
    return null
  }
}

/** The cached file for `name` (following the snapshot link), or null when it is not there whole. */
export function cachedFile(cacheDir: string, name: HfModelName, file = name.file): { path: string; commit: string } | null {
  const folder = repoFolder(cacheDir, name.repo)
  const commit = cachedCommit(folder, name.revision)
  if (!commit) return null
  const path = snapshotPath(folder, commit, file)
  try {
    return statSync(path).isFile() ? { path, commit } : null
  } catch {
    return null
  }
}

export function writeRef(folder: string, revision: string, commit: string): void {
  if (revision === commit) return
  const ref = join(folder, 'refs', ...revision.split('/'))
  mkdirSync(dirname(ref), { recursive: true })
  // Same content, no newline, as huggingface_hub writes; via a temporary name so a reader never sees half.
  const tmp = `${ref}.${process.pid}.tmp`
  writeFileSync(tmp, commit)
  renameSync(tmp, ref)
}

/**
 * Points snapshots/<commit>/<file> at the blob with a relative symlink; where symlinks are not
 * allowed (Windows without developer mode), the blob is copied there, as huggingface_hub does.
 */
export function linkSnapshot(folder: string, commit: string, file: string, etag: string): string {
  const pointer = snapshotPath(folder, commit, file)
  const blob = blobPath(folder, etag)
  mkdirSync(dirname(pointer), { recursive: true })
  if (existsSync(pointer) || isDanglingLink(pointer)) rmSync(pointer, { force: true })
  try {
    symlinkSync(relative(dirname(pointer), blob), pointer)
  } catch {
    copyFileSync(blob, pointer)
  }
  return pointer
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

export interface CachedModel {
  /** `org/name`. */
  repo: string
  /** Path inside the repo. */
  file: string
  commit: string
  /** Branches or tags that point at this commit. */
  refs: string[]
  bytes: number
}

function listRefs(dir: string, prefix = ''): [string, string][] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return entries.flatMap((e): [string, string][] => {
    const name = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) return listRefs(join(dir, e.name), name)
    try {
      return [[name, readFileSync(join(dir, e.name), 'utf8').trim()]]
    } catch {
      return []
    }
  })
}

function listOnnx(dir: string, prefix = ''): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return entries.flatMap((e) => {
    const name = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) return listOnnx(join(dir, e.name), name)
    return e.name.toLowerCase().endsWith('.onnx') ? [name] : []
  })
}

/** Every whole `.onnx` file in the cache's model repos (incomplete downloads are never in snapshots/). */
export function listCachedModels(cacheDir: string): CachedModel[] {
  let repos: string[]
  try {
    repos = readdirSync(cacheDir).filter((d) => d.startsWith('models--'))
  } catch {
    return []
  }
  return repos.sort().flatMap((dir) => {
    const folder = join(cacheDir, dir)
    const repo = dir.slice('models--'.length).split('--').join('/')
    const refs = listRefs(join(folder, 'refs'))
    let commits: string[]
    try {
      commits = readdirSync(join(folder, 'snapshots')).filter((c) => COMMIT_HASH.test(c))
    } catch {
      return []
    }
    return commits.flatMap((commit) =>
      listOnnx(join(folder, 'snapshots', commit)).flatMap((file) => {
        try {
          const bytes = statSync(snapshotPath(folder, commit, file)).size
          return [{ repo, file, commit, refs: refs.filter(([, c]) => c === commit).map(([r]) => r), bytes }]
        } catch {
          return []
        }
      }),
    )
  })
}
