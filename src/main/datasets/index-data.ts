import type { SpairIndexData } from './spair/read-tree'
import type { Split, Warn } from './spair/types'

/** The formats the importer reads; every one is indexed into the same tables as SPair-71k. */
export type { DatasetFormat } from '../../shared/ipc/channels/datasets'

/**
 * What one import stores, whatever the format: SPair's images, pairs and layouts, plus what
 * formats without pair files need.
 */
export interface IndexData extends SpairIndexData {
  /** Splits of images whatever their pairs (CUB's training images have none); pairs' images get theirs from the pairs too. */
  imageSplits?: { category: string; stem: string; split: Split }[]
  /** Tags the format proposes (CUB's species), written only for images that curation has not tagged yet. */
  tags?: { category: string; stem: string; tags: string[] }[]
}

export interface ReadHooks {
  progress(done: number, total: number, message: string): void
  throwIfCancelled(): void
}

/** A scanned tree: its cheap fingerprint (names, sizes, mtimes, reader options) and how to read it. */
export interface TreeScan {
  fingerprint: string
  read(warn: Warn, hooks: ReadHooks): Promise<IndexData>
}
