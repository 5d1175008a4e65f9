import { TrainConfig } from '../../../shared/ipc/channels/train'
import type { RunSummary } from '../../../shared/ipc/channels/train'
import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { followJob } from '../follow-job'
import { prepareDataset } from '../prepare-dataset'

const USAGE =
  'semagic train --dataset NAME --category CAT [--split trn] [--variant semagic|baseline|semagic-i|semagic-ii] [--steps N] [--seed N] ' +
  '[--template-level 3|4] [--articulation PARTS] [--backbone pretrained] [--json] [--data-dir DIR]\n       semagic train --resume RUN_ID [--json] [--data-dir DIR]'

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a SEMAGIC category model (or resume a run) on a split of a data set',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    category: { type: 'string' },
    split: { type: 'string' },
    variant: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    'template-level': { type: 'string' },
    articulation: { type: 'string' },
    backbone: { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values, _positionals, io) {
    const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v))
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`) })
    try {
      let started: { jobId: string; runId: string }
      if (typeof values.resume === 'string') started = core.services.train.resume(values.resume)
      else {
        const parsed = TrainConfig.safeParse(
          Object.fromEntries(
            Object.entries({
              dataset: values.dataset,
              category: values.category,
              split: values.split,
              variant: values.variant,
              steps: num(values.steps),
              seed: num(values.seed),
              templateLevel: num(values['template-level']),
              articulation: num(values.articulation),
              backbone: values.backbone,
            }).filter(([, v]) => v !== undefined),
          ),
        )
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          throw new CliUsageError(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}\nusage: ${USAGE}`)
        }
        await prepareDataset(core, io, parsed.data.dataset)
        started = core.services.train.start(parsed.data)
      }
      io.stderr.write(`run ${started.runId} in ${core.services.train.runDir(started.runId)}\n`)
      await followJob(core, io, 'train', () => started.jobId)
      const run = core.services.train.runs().find((r) => r.id === started.runId) as RunSummary
      if (values.json) io.stdout.write(`${JSON.stringify(run, null, 2)}\n`)
      else {
        const s = run.summary
        io.stdout.write(
          s
            ? `${run.id}: ${run.status}, ${s.step} steps in ${s.seconds.toFixed(1)} s (${s.stepsPerSecond?.toFixed(2) ?? '-'} steps/s) on ${s.images} images; ` +
                `losses ${Object.entries(s.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}\n`
            : `${run.id}: ${run.status}\n`,
        )
      }
      return run.status === 'succeeded' ? 0 : 1
    } finally {
      core.close()
    }
  },
}
