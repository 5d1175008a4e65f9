import { resolve } from 'node:path'
import type { ExportResult } from '../../../shared/ipc/channels/datasets'
import type { Core } from '../../core/create-core'
import { CliUsageError } from '../cli-error'
import type { CliIo, Values } from '../command'
import { followJob } from '../follow-job'
import { prepareDataset } from '../prepare-dataset'

/** `semagic datasets export --name NAME --out DIR`: the curated data set as SPair + COCO. */
export async function runExport(core: Core, values: Values, io: CliIo): Promise<number> {
  if (typeof values.name !== 'string') throw new CliUsageError('--name NAME is required')
  if (typeof values.out !== 'string') throw new CliUsageError('--out DIR is required')
  const name = values.name
  const out = resolve(values.out)
  await prepareDataset(core, io, name)
  const result = await followJob<ExportResult>(core, io, 'export', () => core.services.exports.startExport(name, out).jobId)
  if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  else {
    const p = result.pairs
    io.stdout.write(
      `${result.name} -> ${result.out}: ${result.images} images, ${p.trn + p.val + p.test} pairs ` +
        `(trn ${p.trn}, val ${p.val}, test ${p.test}), ${result.droppedPairs} dropped; coco_keypoints.json with ${result.coco.annotations} annotations\n`,
    )
  }
  return 0
}
