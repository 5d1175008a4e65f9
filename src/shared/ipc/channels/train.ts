import { z } from 'zod'
import { DeviceChoice, RanOn } from '../../device'
import { channel } from '../define'
import { DatasetName, Split } from './datasets'

export const Variant = z.enum(['semagic', 'baseline', 'semagic-i', 'semagic-ii'])
export type Variant = z.infer<typeof Variant>

/** The most articulated parts a run may ask for; the engine's own check (MAX_ARTICULATION_PARTS in its config) is pinned equal by a test. */
export const MAX_ARTICULATION_PARTS = 32

/**
 * Images per training step and camera hypotheses per image at the engine's defaults, and the
 * most a run may ask for: the GPU engine scores batch x hypotheses x 2 views in one submission,
 * and these keep that within what one can hold (pinned by a test).
 */
export const DEFAULT_BATCH_SIZE = 24
export const MAX_BATCH_SIZE = 512
export const DEFAULT_HYPOTHESES = 8
export const MAX_HYPOTHESES = 32
/** The largest appearance weight a run may ask for: at 100 the colour already outweighs the features tenfold. */
export const MAX_APPEARANCE = 100
/** The largest lambda of the large-steps shape update a run may ask for: at 100 a step moves little but the shape's lowest modes. */
export const MAX_LARGE_STEPS = 100

export const TrainConfig = z
  .object({
    dataset: DatasetName,
    split: Split.default('trn'),
    category: z.string().min(1).max(200),
    variant: Variant.default('semagic'),
    steps: z.number().int().min(1).max(100_000).default(600),
    /** Images per step; DEFAULT_BATCH_SIZE is the engine's own default (pinned equal by a test). */
    batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(DEFAULT_BATCH_SIZE),
    /** Camera hypotheses per image, evenly spaced in azimuth; DEFAULT_HYPOTHESES is the engine's default (pinned equal by a test). */
    hypotheses: z.number().int().min(1).max(MAX_HYPOTHESES).default(DEFAULT_HYPOTHESES),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    templateLevel: z.union([z.literal(3), z.literal(4)]).default(3),
    /** Articulated parts (METHOD §3); 0 trains without articulation. */
    articulation: z.number().int().min(0).max(MAX_ARTICULATION_PARTS).default(0),
    backbone: z.string().min(1).max(4096).default('pretrained'),
    /** Weight of the image's colour in the feature term (the engine's `appearance`); 0, the default, trains without it. */
    appearance: z.number().min(0).max(MAX_APPEARANCE).default(0),
    /**
     * Lambda of the large-steps update of the canonical shape (the engine's `largeSteps`, with the
     * shape's rate it was chosen with); 0, the default, trains with per-vertex Adam.
     */
    largeSteps: z.number().min(0).max(MAX_LARGE_STEPS).default(0),
  })
  .strict()
export type TrainConfig = z.infer<typeof TrainConfig>

/**
 * How tables and legends name what a run trained: the variant, its articulation, appearance
 * weight and large-steps lambda when on (`semagic+art6`, `semagic+app1`, `semagic+ls1`), and its
 * batch and camera hypotheses when not the defaults (`semagic+b64+h16`).
 */
export function modelLabel(config: { variant: string; articulation: number; batchSize?: number; hypotheses?: number; appearance?: number; largeSteps?: number }): string {
  const art = config.articulation > 0 ? `+art${config.articulation}` : ''
  const batch = config.batchSize !== undefined && config.batchSize !== DEFAULT_BATCH_SIZE ? `+b${config.batchSize}` : ''
  const hyp = config.hypotheses !== undefined && config.hypotheses !== DEFAULT_HYPOTHESES ? `+h${config.hypotheses}` : ''
  const app = config.appearance !== undefined && config.appearance > 0 ? `+app${config.appearance}` : ''
  const ls = config.largeSteps !== undefined && config.largeSteps > 0 ? `+ls${config.largeSteps}` : ''
  return `${config.variant}${art}${batch}${hyp}${app}${ls}`
}

/** How a run ended: kept in the index and, for a run that ended well, as `summary.json` in its folder. */
export const TrainSummary = z.object({
  step: z.number().int(),
  losses: z.record(z.string(), z.number()),
  seconds: z.number(),
  stepsPerSecond: z.number().nullable(),
  checkpoint: z.string().nullable(),
  images: z.number().int(),
  skipped: z.array(z.string()),
  /** Where the steps ran, kept in the folder's summary.json so that an imported run says it too (absent in older folders: the CPU). */
  ranOn: RanOn.optional(),
})
export type TrainSummary = z.infer<typeof TrainSummary>

export const RunSummary = z.object({
  id: z.string(),
  status: z.string(),
  config: TrainConfig,
  folder: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  summary: TrainSummary.nullable(),
  /** Where its steps ran (a resumed run: its latest steps). */
  ...RanOn.shape,
})
export type RunSummary = z.infer<typeof RunSummary>

export const trainChannels = {
  'train.start': channel({
    doc: 'Train one category model (a variant of METHOD.md §5) on a split\'s images and masks, as a job; checkpoints go to the run folder. `device` (default: the engine.device setting) is checked first: a GPU that cannot run fails before anything is stored.',
    request: TrainConfig.extend({ device: DeviceChoice.optional() }),
    response: z.object({ jobId: z.string(), runId: z.string() }),
  }),
  'train.resume': channel({
    doc: 'Continue a run from its newest whole checkpoint to its configured steps, on `device` (default: the engine.device setting).',
    request: z.object({ runId: z.string().min(1).max(200), device: DeviceChoice.optional() }).strict(),
    response: z.object({ jobId: z.string(), runId: z.string() }),
  }),
  'train.runs': channel({
    doc: 'Training runs, newest first.',
    request: z.object({}).strict(),
    response: z.array(RunSummary),
  }),
  'train.curve': channel({
    doc: 'The loss curve of a run: one row per logged step.',
    request: z.object({ runId: z.string().min(1).max(200) }).strict(),
    response: z.array(z.object({ step: z.number().int(), losses: z.record(z.string(), z.number()), seconds: z.number() })),
  }),
}
