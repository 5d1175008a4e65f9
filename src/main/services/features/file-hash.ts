import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import type { Db } from '../../store/migration'

/**
 * Content hash of an image file, remembered by (path, size, mtime): the feature cache is keyed
 * by content, so a copied or renamed data set reuses its features, but re-reading every JPEG
 * on every run would cost more than the check saves.
 */
export function fileSha1(db: Db, path: string): string {
  const st = statSync(path)
  const known = db.prepare('SELECT size, mtime_ms, sha1 FROM file_hashes WHERE path = ?').get(path) as
    | { size: number; mtime_ms: number; sha1: string }
    | undefined
  if (known && known.size === st.size && known.mtime_ms === st.mtimeMs) return known.sha1
  const sha1 = createHash('sha1').update(readFileSync(path)).digest('hex')
  db.prepare(
    `INSERT INTO file_hashes (path, size, mtime_ms, sha1) VALUES (?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha1 = excluded.sha1`,
  ).run(path, st.size, st.mtimeMs, sha1)
  return sha1
}
