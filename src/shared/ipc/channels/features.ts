import { z } from 'zod'
import { channel } from '../define'
import { DatasetName } from './datasets'

export const BackboneId = z
  .string()
  .min(1)
  .max(4096)
  .describe('pretrained | mobilenetv2 | inceptionv3 | handmade | an absolute path to an .onnx file | hf:<org>/<name>[@revision][:file]')

export const ExtractSummary = z.object({
  dataset: z.string(),
  backbone: z.string(),
  settingsHash: z.string(),
  backend: z.string(),
  inputSize: z.number().int(),
  channels: z.number().int(),
  grid: z.object({ height: z.number().int(), width: z.number().int() }),
  images: z.number().int(),
  computed: z.number().int(),
  cached: z.number().int(),
  failed: z.array(z.object({ image: z.string(), message: z.string() })),
  seconds: z.number(),
  imagesPerSecond: z.number().nullable(),
})
export type ExtractSummary = z.infer<typeof ExtractSummary>

export const CacheEntry = z.object({
  backbone: z.string(),
  settingsHash: z.string(),
  files: z.number().int(),
  bytes: z.number().int(),
})

/** Hugging Face ONNX exports the forms suggest; any other `hf:<org>/<name>` works as well. */
export const HF_BACKBONE_SUGGESTIONS = ['hf:onnx-community/dinov2-small', 'hf:onnx-community/dinov2-with-registers-small', 'hf:onnx-community/dinov2-base'] as const

export const HubModel = z.object({
  /** The backbone name that finds this file: `hf:<repo>[@revision][:file]`. */
  name: z.string(),
  repo: z.string(),
  file: z.string(),
  commit: z.string(),
  refs: z.array(z.string()),
  bytes: z.number().int(),
})
export type HubModel = z.infer<typeof HubModel>

export const HubModels = z.object({
  cacheDir: z.string(),
  endpoint: z.string(),
  offline: z.boolean(),
  /** Whether HF_TOKEN is set (never the token itself). */
  token: z.boolean(),
  models: z.array(HubModel),
  suggestions: z.array(z.object({ name: z.string(), cachedBytes: z.number().int().nullable() })),
})
export type HubModels = z.infer<typeof HubModels>

export const featuresChannels = {
  'features.extract': channel({
    doc: 'Compute (or find cached) features of every image of a data set with one backbone, as a job whose result is an ExtractSummary.',
    request: z
      .object({ name: DatasetName, backbone: BackboneId, size: z.number().int().min(32).max(1024).optional() })
      .strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'features.cache': channel({
    doc: 'The feature cache per backbone setting: files and bytes.',
    request: z.object({}).strict(),
    response: z.array(CacheEntry),
  }),
  'features.hubModels': channel({
    doc: "ONNX models in the Hugging Face hub cache (HF_HUB_CACHE or HF_HOME/hub), usable as hf: backbones, and the suggested names with their size where cached.",
    request: z.object({}).strict(),
    response: HubModels,
  }),
  'features.clear': channel({
    doc: 'Delete the cached features of one backbone setting.',
    request: z.object({ settingsHash: z.string().min(1).max(128) }).strict(),
    response: z.object({ files: z.number().int(), bytes: z.number().int() }),
  }),
}
