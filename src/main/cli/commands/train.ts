import { ranOnLabel } from '../../../shared/device'
import { MAX_APPEARANCE, MAX_LARGE_STEPS, TrainConfig } from '../../../shared/ipc/channels/train'
import type { RunSummary } from '../../../shared/ipc/channels/train'
import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { DEVICE_OPTIONS, DEVICE_USAGE, parseDevice } from '../device-option'
import { followJob } from '../follow-job'
import { prepareDataset } from '../prepare-dataset'
import { parseOneSwitchWeight } from '../switch-weights'

const USAGE =
  'semagic train --dataset NAME --category CAT [--split trn] [--variant semagic|baseline|semagic-i|semagic-ii] [--steps N] [--batch-size 24] [--hypotheses 8] [--seed N] ' +
  `[--template-level 3|4] [--articulation PARTS] [--appearance W] [--large-steps L] [--backbone pretrained] ${DEVICE_USAGE} [--run-id ID] [--checkpoint-every 50] [--db FILE] [--json] [--data-dir DIR]\n` +
  `       semagic train --resume RUN_ID ${DEVICE_USAGE} [--checkpoint-every 50] [--db FILE] [--json] [--data-dir DIR]\n` +
  '  --appearance W: weight of the image\'s colour in the feature term (default 0, off)\n' +
  '  --large-steps L: lambda of the large-steps update of the canonical shape, with its shape rate (default 0: per-vertex Adam)\n' +
  '  --device:    auto (default: the workspace setting engine.device, else auto) takes a hardware GPU when there is one, else the CPU; gpu fails when none can run\n' +
  '  --run-id ID: train into runs/ID, resuming it from its newest checkpoint if a killed process left one (nothing to do if it finished)\n' +
  '  --db FILE:   use this copy of the workspace index (a cluster task\'s); the workspace then only gets the run folder and cache files'

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
    'batch-size': { type: 'string' },
    hypotheses: { type: 'string' },
    seed: { type: 'string' },
    'template-level': { type: 'string' },
    articulation: { type: 'string' },
    appearance: { type: 'string' },
    'large-steps': { type: 'string' },
    backbone: { type: 'string' },
    resume: { type: 'string' },
    'run-id': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
    ...DEVICE_OPTIONS,
  },
  async run(values, _positionals, io) {
    const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v))
    const checkpointEvery = num(values['checkpoint-every'])
    if (checkpointEvery !== undefined && !(Number.isInteger(checkpointEvery) && checkpointEvery >= 1)) {
      throw new CliUsageError(`--checkpoint-every must be a positive integer, got ${String(values['checkpoint-every'])}`)
    }
    if (typeof values.resume === 'string' && values['run-id'] !== undefined) throw new CliUsageError(`give --resume RUN_ID or --run-id ID, not both\nusage: ${USAGE}`)
    const setting = ['dataset', 'category', 'split', 'variant', 'steps', 'batch-size', 'hypotheses', 'seed', 'template-level', 'articulation', 'appearance', 'large-steps', 'backbone'].find((k) => values[k] !== undefined)
    if (typeof values.resume === 'string' && setting) throw new CliUsageError(`--resume continues a run with the settings it started with: drop --${setting}`)
    const device = parseDevice(values)
    const appearance = parseOneSwitchWeight('--appearance', values.appearance, MAX_APPEARANCE)
    const largeSteps = parseOneSwitchWeight('--large-steps', values['large-steps'], MAX_LARGE_STEPS)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({
      dataDir,
      log: (level, message) => io.stderr.write(`${level}: ${message}\n`),
      ...(typeof values.db === 'string' ? { dbFile: values.db } : {}),
      ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
      ...(device ? { device } : {}),
    })
    try {
      // Before anything is stored: a GPU that cannot run fails here, within seconds.
      const expected = await core.services.train.checkDevice()
      io.stderr.write(`device ${core.device()}: training on ${ranOnLabel(expected)}\n`)
      let started: { jobId: string | null; runId: string }
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
              batchSize: num(values['batch-size']),
              hypotheses: num(values.hypotheses),
              seed: num(values.seed),
              templateLevel: num(values['template-level']),
              articulation: num(values.articulation),
              backbone: values.backbone,
              appearance,
              largeSteps,
            }).filter(([, v]) => v !== undefined),
          ),
        )
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          throw new CliUsageError(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}\nusage: ${USAGE}`)
        }
        await prepareDataset(core, io, parsed.data.dataset)
        started = typeof values['run-id'] === 'string' ? core.services.train.trainInto(parsed.data, values['run-id']) : core.services.train.start(parsed.data)
      }
      const { jobId } = started
      io.stderr.write(`run ${started.runId} in ${core.services.train.runDir(started.runId)}${jobId === null ? ': finished already' : ''}\n`)
      if (jobId !== null) await followJob(core, io, 'train', () => jobId)
      const run = core.services.train.runs().find((r) => r.id === started.runId) as RunSummary
      if (values.json) io.stdout.write(`${JSON.stringify(run, null, 2)}\n`)
      else {
        const s = run.summary
        io.stdout.write(
          s
            ? `${run.id}: ${run.status}, ${s.step} steps in ${s.seconds.toFixed(1)} s (${s.stepsPerSecond?.toFixed(2) ?? '-'} steps/s) on ${s.images} images, on ${ranOnLabel(run)}; ` +
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
