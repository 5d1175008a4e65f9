import type { ExtractSummary } from '../../../shared/ipc/channels/features'
import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { DEVICE_OPTIONS, DEVICE_USAGE, parseDevice } from '../device-option'
import { followJob } from '../follow-job'
import { prepareDataset } from '../prepare-dataset'

const USAGE =
  `semagic features --dataset NAME --backbone pretrained|mobilenetv2|inceptionv3|handmade|PATH.onnx|hf:ORG/NAME[@REV][:FILE] [--size N] ${DEVICE_USAGE} [--json] [--data-dir DIR]\n` +
  '  --device: onnxruntime\'s provider for ONNX backbones: gpu = CUDA (NVIDIA, where installed) or WebGPU, never the CPU; auto = WebGPU on a hardware GPU, else the CPU'

export const featuresCommand: Command = {
  name: 'features',
  summary: 'compute and cache dense backbone features of every image of a data set',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    backbone: { type: 'string', default: 'pretrained' },
    size: { type: 'string' },
    json: { type: 'boolean', default: false },
    ...DEVICE_OPTIONS,
  },
  async run(values, _positionals, io) {
    if (typeof values.dataset !== 'string') throw new CliUsageError(`--dataset NAME is required\nusage: ${USAGE}`)
    const size = values.size === undefined ? undefined : Number(values.size)
    if (size !== undefined && !(Number.isInteger(size) && size >= 32 && size <= 1024)) {
      throw new CliUsageError(`--size must be an integer 32..1024, got ${String(values.size)}`)
    }
    const name = values.dataset
    const backbone = String(values.backbone)
    const device = parseDevice(values)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`), ...(device ? { device } : {}) })
    try {
      await prepareDataset(core, io, name)
      const options = size === undefined ? {} : { size }
      const summary = await followJob<ExtractSummary>(core, io, 'features', () => core.services.features.startExtract(name, backbone, options).jobId)
      if (values.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
      else {
        const rate = summary.imagesPerSecond === null ? '' : ` (${summary.imagesPerSecond.toFixed(2)} images/s)`
        io.stdout.write(
          `${summary.dataset} with ${summary.backbone} on ${summary.backend}: ${summary.images} images, ${summary.computed} computed${rate}, ` +
            `${summary.cached} from the cache, ${summary.failed.length} failed; ${summary.channels} x ${summary.grid.height} x ${summary.grid.width} per image\n`,
        )
        for (const f of summary.failed) io.stdout.write(`  ${f.image}: ${f.message}\n`)
      }
      return summary.failed.length > 0 && summary.computed + summary.cached === 0 ? 1 : 0
    } finally {
      core.close()
    }
  },
}
