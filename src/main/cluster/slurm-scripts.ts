import { join } from 'node:path'
import type { DeviceChoice } from '../../shared/device'
import type { BenchPlan } from './bench-plan'
import { INDEX_SNAPSHOT, TABLE_JSON, TABLE_TEXT } from './bench-plan'

/** What the user asked of the scheduler; each absent setting is the cluster's own default. */
export interface SlurmSettings {
  partition: string | null
  time: string | null
  cpusPerTask: number | null
  gpusPerTask: number | null
  /** Times a failed or pre-empted task is started again (resuming its run) before it counts as failed. */
  requeueMax: number
  checkpointEvery: number
}

export interface BenchScripts {
  features: string
  train: string
  collect: string
}

/** Quoted for bash: a workspace path may hold spaces or quotes. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

function header(name: string, log: string, s: SlurmSettings, extra: string[] = []): string {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${log}`,
    '#SBATCH --open-mode=append',
    ...(s.partition ? [`#SBATCH --partition=${s.partition}`] : []),
    ...(s.time ? [`#SBATCH --time=${s.time}`] : []),
    ...(s.cpusPerTask ? [`#SBATCH --cpus-per-task=${s.cpusPerTask}`] : []),
    ...extra,
    // Tokens (HF_TOKEN) reach the jobs through the submitter's environment, which sbatch passes on; never through this file.
    'set -euo pipefail',
  ]
  return `${lines.join('\n')}\n`
}

/**
 * The three scripts of a bench on Slurm. The shared workspace's index is written only by the
 * features job (before the tasks) and the collecting job (after them); each array task copies the
 * features job's snapshot of the index to node-local scratch and writes only its run folder and
 * cache files to the workspace, so SQLite never sees two writers over a network file system.
 * `device` (the bench's --device) goes to every command that runs the engine or a backbone; null
 * leaves it to the workspace's engine.device setting, as here.
 */
export function benchScripts(
  plan: BenchPlan,
  options: { dataDir: string; benchDir: string; semagic: string[]; trainDataset: string; backbone: string; settings: SlurmSettings; device?: DeviceChoice | null },
): BenchScripts {
  const { dataDir, benchDir, settings } = options
  const device = options.device ? ` --device ${options.device}` : ''
  const ws = shq(dataDir)
  const bench = shq(benchDir)
  const semagic = `SEMAGIC=(${options.semagic.map(shq).join(' ')})`
  const short = plan.id.slice(-6)

  const datasets = [...new Set([plan.dataset, options.trainDataset])]
  const features =
    header(`semagic-${short}-features`, join(benchDir, 'logs', 'features.out'), settings) +
    `${semagic}\n` +
    datasets.map((d) => `"\${SEMAGIC[@]}" features --dataset ${shq(d)} --backbone ${shq(options.backbone)}${device} --data-dir ${ws}\n`).join('') +
    `"\${SEMAGIC[@]}" runs snapshot ${shq(join(benchDir, INDEX_SNAPSHOT))} --data-dir ${ws}\n`

  const cases = plan.tasks
    .map(
      (t) =>
        `  ${t.index}) RUN=${shq(t.runId)}; ARGS=(--dataset ${shq(t.dataset)} --category ${shq(t.category)} --variant ${t.variant} ` +
        `--articulation ${t.articulation} --appearance ${t.appearance ?? 0} --large-steps ${t.largeSteps ?? 0} --seed ${t.seed} --steps ${t.steps}${t.batchSize !== undefined ? ` --batch-size ${t.batchSize}` : ''}${t.hypotheses !== undefined ? ` --hypotheses ${t.hypotheses}` : ''} --backbone ${shq(t.backbone)}) ;;`,
    )
    .join('\n')
  const gpus = settings.gpusPerTask ? [`#SBATCH --gpus-per-task=${settings.gpusPerTask}`] : []
  const train =
    header(`semagic-${short}-train`, join(benchDir, 'logs', 'task-%a.out'), settings, [`#SBATCH --array=0-${plan.tasks.length - 1}`, '#SBATCH --requeue', ...gpus]) +
    `${semagic}
BENCH=${bench}
TASK="$SLURM_ARRAY_TASK_ID"
RESTARTS="\${SLURM_RESTART_COUNT:-0}"
case "$TASK" in
${cases}
  *) echo "no task $TASK in this bench" >&2; exit 2 ;;
esac
# Where the bench follows this task: state, times started, UTC time (written whole, then renamed).
state() { printf '%s %s %s\\n' "$1" "$RESTARTS" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$BENCH/tasks/$TASK.state.tmp$$" && mv -f "$BENCH/tasks/$TASK.state.tmp$$" "$BENCH/tasks/$TASK.state"; }
echo "task $TASK: run $RUN on $(hostname), start $((RESTARTS + 1))"
if [ "$RESTARTS" -gt ${settings.requeueMax} ]; then
  echo "task $TASK was started $RESTARTS times, more than --requeue-max ${settings.requeueMax}: failed" >&2
  state failed
  exit 1
fi
state running
SCRATCH=$(mktemp -d "\${TMPDIR:-/tmp}/semagic-task.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cp "$BENCH/${INDEX_SNAPSHOT}" "$SCRATCH/index.sqlite"
if "\${SEMAGIC[@]}" train "\${ARGS[@]}" --run-id "$RUN" --checkpoint-every ${settings.checkpointEvery}${device} --db "$SCRATCH/index.sqlite" --data-dir ${ws} &&
  mkdir -p ${ws}/runs/"$RUN"/eval &&
  "\${SEMAGIC[@]}" eval --dataset ${shq(plan.dataset)} --split test --method "mesh:$RUN" --json ${ws}/runs/"$RUN"/eval/test.json${device} --db "$SCRATCH/index.sqlite" --data-dir ${ws} >/dev/null; then
  state done
  exit 0
fi
# A failure: start again (the run resumes from its newest checkpoint) until the bound, then fail for good.
if [ "$RESTARTS" -lt ${settings.requeueMax} ]; then
  state requeued
  scontrol requeue "$SLURM_JOB_ID"
  sleep 600 # the requeue ends this instance; the sleep keeps it from ending as failed first
fi
state failed
exit 1
`

  const runs = plan.tasks.map((t) => `  ${ws}/runs/${shq(t.runId)}`).join(' \\\n')
  const collect =
    header(`semagic-${short}-collect`, join(benchDir, 'logs', 'collect.out'), settings) +
    `${semagic}
"\${SEMAGIC[@]}" runs import --data-dir ${ws} \\
${runs}
"\${SEMAGIC[@]}" bench --from-runs ${plan.benchArgs.map(shq).join(' ')} --json ${shq(join(benchDir, TABLE_JSON))}${device} --data-dir ${ws} > ${shq(join(benchDir, `${TABLE_TEXT}.tmp`))}
mv -f ${shq(join(benchDir, `${TABLE_TEXT}.tmp`))} ${shq(join(benchDir, TABLE_TEXT))}
`
  return { features, train, collect }
}
