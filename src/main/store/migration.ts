import type Database from 'better-sqlite3'

export interface Migration {
  /** 1, 2, 3, ...: applied in order, each exactly once. */
  version: number
  name: string
  /** Plain SQL so that its hash identifies it; an edited, already-applied migration is refused. */
  sql: string
}

export type Db = Database.Database
