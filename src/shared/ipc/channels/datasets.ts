import { z } from 'zod'
import { channel } from '../define'

/** SPair-71k split names as they appear in `PairAnnotation/` and `Layout/*`. */
export const SPAIR_SPLITS = ['trn', 'val', 'test'] as const
export const Split = z.enum(SPAIR_SPLITS)
export type Split = z.infer<typeof Split>

/** The published layouts the importer reads; each is indexed into the same tables (pairs, keypoints, boxes). */
export const DATASET_FORMATS = ['spair', 'pf-pascal', 'pf-willow', 'cub'] as const
export const DatasetFormat = z.enum(DATASET_FORMATS)
export type DatasetFormat = z.infer<typeof DatasetFormat>
export const DATASET_FORMAT_LABELS: Record<DatasetFormat, string> = {
  spair: 'SPair-71k',
  'pf-pascal': 'PF-PASCAL',
  'pf-willow': 'PF-WILLOW',
  cub: 'CUB-200-2011',
}

/**
 * How CUB-200-2011's val split and pairs are drawn (it ships neither): recorded with the data
 * set, and part of its content hash, so that a report names exactly what it scored.
 */
export const CubSampling = z.object({
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  pairsPerSpecies: z.number().int().min(1).max(10_000),
  valFraction: z.number().min(0).max(0.9),
})
export type CubSampling = z.infer<typeof CubSampling>

export const LayoutSize = z.enum(['large', 'small'])
export type LayoutSize = z.infer<typeof LayoutSize>

export const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s/\\][^/\\]*$/, 'a data set name has no slashes and does not start with a space')

/** Lives here, not in curation, because image filters select by it and curation imports this module. */
export const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s,][^,]*$/, 'a tag has no commas and does not start with a space')

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
  format: DatasetFormat,
  root: z.string(),
  /** CUB only: the seed and counts its val split and pairs were drawn with; null for formats that ship their pairs. */
  sampling: CubSampling.nullable(),
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
  /** Curation excluded the pair or either of its images, so evaluation skips it. */
  excluded: z.boolean(),
  /** Curation excluded the pair itself (what `pair.exclude` sets), whatever its images are. */
  pairExcluded: z.boolean(),
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

/** SPair's pair flags with their ranges; the pairs table and saved views filter by the same ones. */
const PairFlagFilters = {
  mirror: z.number().int().min(0).max(1).optional(),
  viewpointVariation: z.number().int().min(0).max(2).optional(),
  scaleVariation: z.number().int().min(0).max(2).optional(),
  truncation: z.number().int().min(0).max(3).optional(),
  occlusion: z.number().int().min(0).max(3).optional(),
}

/** Image filters: the index's category and split, and the curation overlays' tags, exclusion and edits. */
const ImageFilterFields = {
  category: z.string().min(1).max(200).optional(),
  split: Split.optional(),
  /** Images carrying this tag. */
  tag: Tag.optional(),
  /** true: only excluded images; false: only images not excluded. */
  excluded: z.boolean().optional(),
  /** true: only images whose keypoints or box were edited; false: only untouched annotations. */
  edited: z.boolean().optional(),
}

export const ViewName = z
  .string()
  .min(1, 'a view name is not empty')
  .max(80, 'a view name has at most 80 characters')
  .regex(/^[^\p{Cc}]*$/u, 'a view name has no control characters')
  .regex(/^\S(.*\S)?$/, 'a view name does not start or end with a space')

/** What a saved view restores: the Data sets view's tab and every filter of the images and the pairs. */
export const ViewFilters = z
  .object({ tab: z.enum(['images', 'pairs']).optional(), ...ImageFilterFields, layout: LayoutSize.optional(), ...PairFlagFilters })
  .strict()
export type ViewFilters = z.infer<typeof ViewFilters>

export const SavedView = z.object({ name: z.string(), filters: ViewFilters, createdAt: z.string(), updatedAt: z.string() })
export type SavedView = z.infer<typeof SavedView>

const Page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) }
const paged = <T extends z.ZodType>(item: T) => z.object({ total: Count, offset: Count, items: z.array(item) })

export const datasetsChannels = {
  'datasets.import': channel({
    doc: 'Index a data set tree (absolute root) in one of the formats (SPair-71k by default) as a job; progress arrives as job.updated, the job result is an ImportResult.',
    request: z
      .object({
        root: z.string().min(1).max(4096),
        name: DatasetName.optional(),
        format: DatasetFormat.default('spair'),
        /** CUB only; missing fields take their defaults (seed 0, 50 pairs per species, val 10 % of train). */
        sampling: CubSampling.partial().optional(),
      })
      .strict(),
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
    doc: 'Images of a data set by category then stem, filtered by category, split, and the curation overlays (tag, excluded, edited).',
    request: z.object({ name: DatasetName, ...ImageFilterFields, ...Page }).strict(),
    response: paged(ImageItem),
  }),
  'datasets.pairs': channel({
    doc: 'Pairs by split (trn, val, test) then pair_id, filtered by split, category, layout membership, flags and exclusion.',
    request: z
      .object({
        name: DatasetName,
        split: Split.optional(),
        category: z.string().min(1).optional(),
        /** One pair by its canonical name. */
        pair: z.string().min(1).max(300).optional(),
        layout: LayoutSize.optional(),
        ...PairFlagFilters,
        /** true: only pairs evaluation skips (the pair or either image excluded); false: only the others. */
        excluded: z.boolean().optional(),
        ...Page,
      })
      .strict(),
    response: paged(PairItem),
  }),
  'datasets.tags': channel({
    doc: 'The tags curation put on images of a data set, with how many images carry each, by tag.',
    request: z.object({ name: DatasetName }).strict(),
    response: z.array(z.object({ tag: z.string(), images: Count })),
  }),
  'datasets.views.list': channel({
    doc: "A data set's saved views (named filter sets), by name.",
    request: z.object({ name: DatasetName }).strict(),
    response: z.array(SavedView),
  }),
  'datasets.views.save': channel({
    doc: 'Save filters under a name for a data set; saving under an existing name replaces its filters.',
    request: z.object({ name: DatasetName, view: ViewName, filters: ViewFilters }).strict(),
    response: SavedView,
  }),
  'datasets.views.delete': channel({
    doc: 'Delete a saved view of a data set.',
    request: z.object({ name: DatasetName, view: ViewName }).strict(),
    response: z.object({ deleted: z.string() }),
  }),
  'datasets.image': channel({
    doc: 'One image with its 30 keypoint slots, by its natural key (category, stem).',
    request: z.object({ name: DatasetName, category: z.string().min(1), stem: z.string().min(1) }).strict(),
    response: ImageDetail,
  }),
}
