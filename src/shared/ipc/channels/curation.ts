import { z } from 'zod'
import { channel } from '../define'
import { Bbox, DatasetName, ImageDetail, Point, Split, Tag } from './datasets'

export { Tag }

const ImageKey = { category: z.string().min(1).max(200), stem: z.string().min(1).max(200) }
const KpId = z.number().int().min(0).max(29)
const Coord = z.number().finite()

/** One change a user can make; a gesture may send several, undone together. */
export const EditOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('keypoint.set'), ...ImageKey, kpId: KpId, x: Coord, y: Coord }).strict(),
  z.object({ op: z.literal('keypoint.remove'), ...ImageKey, kpId: KpId }).strict(),
  z.object({ op: z.literal('keypoint.visibility'), ...ImageKey, kpId: KpId, visible: z.boolean() }).strict(),
  z.object({ op: z.literal('keypoint.reset'), ...ImageKey, kpId: KpId }).strict(),
  z.object({ op: z.literal('bbox.set'), ...ImageKey, bbox: Bbox }).strict(),
  z.object({ op: z.literal('image.exclude'), ...ImageKey, excluded: z.boolean() }).strict(),
  z.object({ op: z.literal('image.tags'), ...ImageKey, tags: z.array(Tag).max(50) }).strict(),
  z.object({ op: z.literal('image.note'), ...ImageKey, note: z.string().max(10_000) }).strict(),
  z.object({ op: z.literal('pair.exclude'), split: Split, name: z.string().min(1).max(300), excluded: z.boolean() }).strict(),
])
export type EditOp = z.infer<typeof EditOp>

/** A keypoint slot as the curated data set sees it. */
export const CuratedKeypoint = z.object({
  point: Point,
  /** False: annotated but marked invisible (exported as null in SPair, v=1 in COCO). */
  visible: z.boolean(),
  edited: z.boolean(),
})
export type CuratedKeypoint = z.infer<typeof CuratedKeypoint>

export const CuratedImage = z.object({
  original: ImageDetail,
  /** 30 slots, index = keypoint id; null = not annotated (or removed by an edit). */
  keypoints: z.array(CuratedKeypoint.nullable()).length(30),
  bbox: Bbox.nullable(),
  excluded: z.boolean(),
  tags: z.array(z.string()),
  note: z.string(),
  /** Overlay fields in force, e.g. ["kp.3", "bbox", "tags"]. */
  editedFields: z.array(z.string()),
})
export type CuratedImage = z.infer<typeof CuratedImage>

export const HistoryEntry = z.object({
  id: z.number().int(),
  batch: z.number().int(),
  label: z.string(),
  target: z.string(),
  field: z.string(),
  before: z.json().nullable(),
  after: z.json().nullable(),
  author: z.string(),
  createdAt: z.string(),
  state: z.enum(['applied', 'undone', 'discarded']),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>

export const UndoState = z.object({
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  undoLabel: z.string().nullable(),
  redoLabel: z.string().nullable(),
  applied: z.number().int().nonnegative(),
})
export type UndoState = z.infer<typeof UndoState>

export const curationChannels = {
  'curation.edit': channel({
    doc: 'Apply one gesture (one or more edits) as overlays; the originals are never touched. Clears the redo stack.',
    request: z.object({ name: DatasetName, edits: z.array(EditOp).min(1).max(500), label: z.string().max(200).optional() }).strict(),
    response: z.object({ batch: z.number().int(), applied: z.number().int(), state: UndoState }),
  }),
  'curation.undo': channel({
    doc: 'Undo the latest applied gesture of this data set.',
    request: z.object({ name: DatasetName }).strict(),
    response: z.object({ undone: z.string().nullable(), state: UndoState }),
  }),
  'curation.redo': channel({
    doc: 'Redo the gesture undone last.',
    request: z.object({ name: DatasetName }).strict(),
    response: z.object({ redone: z.string().nullable(), state: UndoState }),
  }),
  'curation.state': channel({
    doc: 'Whether undo/redo are possible and what they would do.',
    request: z.object({ name: DatasetName }).strict(),
    response: UndoState,
  }),
  'curation.history': channel({
    doc: 'Every edit of a data set, newest first, with its author, time and state.',
    request: z
      .object({
        name: DatasetName,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    response: z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(HistoryEntry) }),
  }),
  'curation.image': channel({
    doc: 'One image as curated: original annotation, overlays applied, and which fields were edited.',
    request: z.object({ name: DatasetName, ...ImageKey }).strict(),
    response: CuratedImage,
  }),
}
