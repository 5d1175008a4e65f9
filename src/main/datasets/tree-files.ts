import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ScannedFile } from './spair/scan-tree'
import { readJpegSize, readPngSize } from './spair/image-header'
import type { ImageSize } from './spair/image-header'
import { forEachSliced } from './spair/sliced'
import type { Warn } from './spair/types'

/**
 * Sizes and mtimes of the files a reader will read or check, and a hash over them and the
 * reader's version and options: equal fingerprint, nothing to read again.
 */
export async function statFiles(root: string, rels: readonly string[], version: string, options: unknown, warn: Warn): Promise<{ files: Map<string, ScannedFile>; fingerprint: string }> {
  const hash = createHash('sha256').update(`${version}\n${JSON.stringify(options ?? null)}\n`)
  const files = new Map<string, ScannedFile>()
  await forEachSliced(rels.length, (i) => {
    const rel = rels[i] as string
    try {
      const st = statSync(join(root, rel))
      hash.update(`${rel}\t${st.size}\t${st.mtimeMs}\n`)
      files.set(rel, { rel, size: st.size, mtimeMs: st.mtimeMs })
    } catch (error) {
      warn(rel, '(file)', `vanished while scanning: ${(error as Error).message}`)
    }
  })
  return { files, fingerprint: hash.digest('hex') }
}

/** The bytes of one file, added to the content hash; null after a warning when it cannot be read. */
export function readHashed(root: string, rel: string, hash: Hash, warn: Warn): Buffer | null {
  let bytes: Buffer
  try {
    bytes = readFileSync(join(root, rel))
  } catch (error) {
    warn(rel, '(file)', `cannot be read: ${(error as Error).message}`)
    return null
  }
  hash.update(`${rel}\0${bytes.length}\0`).update(bytes)
  return bytes
}

/** Text of a file (UTF-8, a BOM dropped), hashed; null after a warning. */
export function readHashedText(root: string, rel: string, hash: Hash, warn: Warn): string | null {
  const bytes = readHashed(root, rel, hash, warn)
  if (bytes === null) return null
  const text = bytes.toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Width and height from a JPEG or PNG header (by extension); an Error or null says why not. */
export function imageSizeOf(root: string, rel: string): ImageSize | null | Error {
  try {
    return (/\.png$/i.test(rel) ? readPngSize : readJpegSize)(join(root, rel))
  } catch (error) {
    return error as Error
  }
}

/** A regular file (following links); false for anything else or nothing. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Split a text file into numbered lines (1-based), dropping blank ones. */
export function numberedLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i] as string
    if (t.trim() !== '') out.push({ line: i + 1, text: t })
  }
  return out
}
