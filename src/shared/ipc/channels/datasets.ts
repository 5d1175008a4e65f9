import { z } from 'zod'
import { channel } from '../define'

/** SPair-71k split names as they appear in `PairAnnotation/` and `Layout/*`. */
export const SPAIR_SPLITS = ['trn', 'val', 'test'] as const
export const Split = z.enum(SPAIR_SPLITS)
export type Split = z.infer<typeof Split>

export const LayoutSize = z.enum(['large', 'small'])
export type LayoutSize = z.infer<typeof LayoutSize>

export const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s/\\][^/\\]*$/, 'a data set name has no slashes and does not start with a space')

const Count = z.number().int().nonnegative()
export const SplitCounts = z.object({ trn: Count, val: Count, test: Count })
export type SplitCounts = z.infer<typeof SplitCounts>

/** [x, y] in pixels of the original image. */
export const Point = z.tuple([z.number(), z.number()])
export type Point = z.infer<typeof Point>
/** Corners [x1, y1, x2, y2] (SPair convention; width is x2 - x1, no +1). */
export const Bbox = z.tuple([z.number(), z.number(), z.number(), z.number()])
export type Bbox = z.infer<typeof Bbox>

export const ImportWarning = z.object({
  /** Path relative to the data set root, '/'-separated. */
  file: z.string(),
  /** The JSON field (e.g. `kps.7`, `src_kps[2]`), `line N` for Layout files, `(json)` for unparsable files. */
  field: z.string(),
  message: z.string(),
})
export type ImportWarning = z.infer<typeof ImportWarning>

export const DatasetSummary = z.object({
  name: z.string(),
  format: z.literal('spair'),
  root: z.string(),
  /** Identifies the indexed content (annotation bytes + image/mask listing); a data set version for run manifests. */
  contentHash: z.string(),
  importedAt: z.string(),
  /** How segmentation PNGs are read: 'nonzero' = any non-zero pixel is foreground. */
  segmentationRule: z.string(),
  images: Count,
  /** Annotated (non-null) keypoint slots over all indexed images; pair keypoints are not counted. */
  keypoints: Count,
  pairs: SplitCounts,
  categories: z.record(z.string(), z.object({ images: Count, pairs: SplitCounts })),
  layouts: z.object({ large: SplitCounts, small: SplitCounts }),
  skipped: z.object({ images: Count, pairs: Count }),
  warningCount: Count,
})
export type DatasetSummary = z.infer<typeof DatasetSummary>

export const ImportResult = z.object({
  name: z.string(),
  status: z.enum(['imported', 'updated', 'unchanged']),
  summary: DatasetSummary,
  /** The first warnings only; `datasets.warnings` pages through all of them. */
  warnings: z.array(ImportWarning),
  seconds: z.number().nonnegative(),
})
export type ImportResult = z.infer<typeof ImportResult>

const Flag = z.number().int().nullable()
export const PairFlags = z.object({
  mirror: Flag,
  viewpointVariation: Flag,
  scaleVariation: Flag,
  truncation: Flag,
  occlusion: Flag,
})

export const ImageItem = z.object({
  category: z.string(),
  stem: z.string(),
  /** JPEG path relative to the data set root; pixels are never copied into the database. */
  file: z.string(),
  maskFile: z.string().nullable(),
  width: Count,
  height: Count,
  depth: Count.nullable(),
  bbox: Bbox.nullable(),
  pose: z.string().nullable(),
  truncated: Flag,
  occluded: Flag,
  difficult: Flag,
  azimuthId: Flag,
  keypointCount: Count,
  /** Splits whose pairs use this image (SPair's are disjoint; other trees need not be). */
  splits: z.array(Split),
})
export type ImageItem = z.infer<typeof ImageItem>

export const ImageDetail = ImageItem.extend({
  /** Always 30 slots, index = keypoint id; null = not annotated. */
  keypoints: z.array(Point.nullable()).length(30),
})
export type ImageDetail = z.infer<typeof ImageDetail>

export const PairItem = z.object({
  split: Split,
  /** Canonical name `PPPPPP-<src>-<trg>:<category>`, also for copies whose files use `_`. */
  name: z.string(),
  file: z.string(),
  pairId: Count,
  category: z.string(),
  srcStem: z.string(),
  trgStem: z.string(),
  srcBbox: Bbox.nullable(),
  trgBbox: Bbox.nullable(),
  flags: PairFlags,
  kpsIds: z.array(Count),
  srcKps: z.array(Point),
  trgKps: z.array(Point),
})
export type PairItem = z.infer<typeof PairItem>

export const ExportResult = z.object({
  name: z.string(),
  out: z.string(),
  images: Count,
  pairs: SplitCounts,
  /** Excluded pairs, pairs of excluded images, and pairs with no keypoint left visible in both images. */
  droppedPairs: Count,
  coco: z.object({ images: Count, annotations: Count }),
})
export type ExportResult = z.infer<typeof ExportResult>

const Page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) }
const paged = <T extends z.ZodType>(item: T) => z.object({ total: Count, offset: Count, items: z.array(item) })

export const datasetsChannels = {
  'datasets.import': channel({
    doc: 'Index an SPair-71k tree (absolute root) as a job; progress arrives as job.updated, the job result is an ImportResult.',
    request: z.object({ root: z.string().min(1).max(4096), name: DatasetName.optional() }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'datasets.export': channel({
    doc: 'Write the curated data set to a new folder (absolute path) in SPair-71k layout plus COCO keypoints, as a job whose result is an ExportResult.',
    request: z.object({ name: DatasetName, out: z.string().min(1).max(4096) }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'datasets.list': channel({
    doc: 'Every indexed data set with its counts, by name.',
    request: z.object({}).strict(),
    response: z.array(DatasetSummary),
  }),
  'datasets.get': channel({
    doc: 'One data set: counts per category and split, layouts, skipped files and warnings count.',
    request: z.object({ name: DatasetName }).strict(),
    response: DatasetSummary,
  }),
  'datasets.warnings': channel({
    doc: 'The warnings of the last import of a data set, in file order.',
    request: z.object({ name: DatasetName, ...Page }).strict(),
    response: paged(ImportWarning),
  }),
  'datasets.images': channel({
    doc: 'Images of a data set by category then stem, optionally of one category and/or used by one split.',
    request: z.object({ name: DatasetName, category: z.string().min(1).optional(), split: Split.optional(), ...Page }).strict(),
    response: paged(ImageItem),
  }),
  'datasets.pairs': channel({
    doc: 'Pairs by split (trn, val, test) then pair_id, filtered by split, category, layout membership and flags.',
    request: z
      .object({
        name: DatasetName,
        split: Split.optional(),
        category: z.string().min(1).optional(),
        /** One pair by its canonical name. */
        pair: z.string().min(1).max(300).optional(),
        layout: LayoutSize.optional(),
        mirror: z.number().int().min(0).max(1).optional(),
        viewpointVariation: z.number().int().min(0).max(2).optional(),
        scaleVariation: z.number().int().min(0).max(2).optional(),
        truncation: z.number().int().min(0).max(3).optional(),
        occlusion: z.number().int().min(0).max(3).optional(),
        ...Page,
      })
      .strict(),
    response: paged(PairItem),
  }),
  'datasets.image': channel({
    doc: 'One image with its 30 keypoint slots, by its natural key (category, stem).',
    request: z.object({ name: DatasetName, category: z.string().min(1), stem: z.string().min(1) }).strict(),
    response: ImageDetail,
  }),
}
