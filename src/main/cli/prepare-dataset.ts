import type { Core } from '../core/create-core'
import { DEMO_NAME } from '../services/demo/demo-service'
import type { CliIo } from './command'
import { followJob } from './follow-job'

/** `--dataset demo` on a fresh workspace generates and imports the built-in data set first. */
export async function prepareDataset(core: Core, io: CliIo, name: string): Promise<void> {
  if (name !== DEMO_NAME) return
  const jobId = core.services.demo.startEnsure()
  if (!jobId) return
  io.stderr.write(`preparing the built-in demo data set in ${core.services.demo.root} (once)\n`)
  await followJob(core, io, 'demo', () => jobId)
}
