import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../core/app-error'
import { migrate } from './migrate'
import type { Db } from './migration'
import { MIGRATIONS } from './migrations'

export const DB_FILE = 'semagic.sqlite'

export interface Store {
  db: Db
  path: string
  schemaVersion: number
  close(): void
}

export interface OpenStoreOptions {
  /** Electron loads an Electron-ABI build of better-sqlite3 through this (see README). */
  nativeBinding?: string
  /**
   * The index file to open instead of `<dataDir>/semagic.sqlite`: a cluster task works on its own
   * node-local copy, so that the shared workspace only ever gets run folders and cache files.
   */
  dbFile?: string
}

/** One SQLite file per workspace: WAL so that the CLI and the studio can share it. */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  const path = options.dbFile ?? join(dataDir, DB_FILE)
  let db: Database.Database
  try {
    mkdirSync(dataDir, { recursive: true })
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    db.pragma('journal_mode = WAL')
  } catch (error) {
    throw new AppError('BAD_INPUT', `cannot open the workspace database ${path}: ${(error as Error).message}`)
  }
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  db.pragma('synchronous = NORMAL')
  const schemaVersion = migrate(db, MIGRATIONS)
  return { db, path, schemaVersion, close: () => db.close() }
}
