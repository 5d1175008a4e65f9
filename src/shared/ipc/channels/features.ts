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
  'features.clear': channel({
    doc: 'Delete the cached features of one backbone setting.',
    request: z.object({ settingsHash: z.string().min(1).max(128) }).strict(),
    response: z.object({ files: z.number().int(), bytes: z.number().int() }),
  }),
}
