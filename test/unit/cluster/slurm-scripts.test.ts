import { describe, expect, it } from 'vitest'
import type { BenchPlan } from '../../../src/main/cluster/bench-plan'
import { arrayHolds } from '../../../src/main/cluster/bench-progress'
import { stateOf } from '../../../src/main/cluster/slurm-control'
import { benchScripts, shq } from '../../../src/main/cluster/slurm-scripts'
import { parseSlurmOptions } from '../../../src/main/cli/commands/bench-slurm'

const plan: BenchPlan = {
  id: '20261206T120000-abc123',
  scheduler: 'slurm',
  createdAt: '2026-12-06T12:00:00Z',
  dataset: 'demo',
  benchArgs: ['--dataset', 'demo', '--variants', 'semagic'],
  tasks: [0, 1].map((seed) => ({ index: seed, runId: `bird-semagic-seed${seed}-x`, dataset: 'demo', category: 'bird', variant: 'semagic', articulation: 0, seed, steps: 20, ...(seed === 1 ? { batchSize: 48, hypotheses: 12 } : {}), backbone: 'handmade' })),
  jobs: null,
}
const settings = { partition: 'gpu', time: '1:00:00', cpusPerTask: 4, gpusPerTask: 1, requeueMax: 2, checkpointEvery: 25 }

describe('the scripts of a bench on Slurm', () => {
  const scripts = benchScripts(plan, { dataDir: "/shared/it's here", benchDir: '/shared/b', semagic: ['/usr/bin/node', '/opt/semagic/cli.js'], trainDataset: 'demo', backbone: 'handmade', settings })

  it('asks for an array of one task per run, requeueable, with the resources asked', () => {
    expect(scripts.train).toContain('#SBATCH --array=0-1\n#SBATCH --requeue\n#SBATCH --gpus-per-task=1')
    for (const s of Object.values(scripts)) expect(s).toMatch(/#SBATCH --partition=gpu\n#SBATCH --time=1:00:00\n#SBATCH --cpus-per-task=4/)
    expect(scripts.train).toContain("1) RUN='bird-semagic-seed1-x'; ARGS=(--dataset 'demo' --category 'bird' --variant semagic --articulation 0 --appearance 0 --large-steps 0 --seed 1 --steps 20 --batch-size 48 --hypotheses 12 --backbone")
    // A plan from before the batch option trains at the default batch.
    expect(scripts.train).toContain("0) RUN='bird-semagic-seed0-x'; ARGS=(--dataset 'demo' --category 'bird' --variant semagic --articulation 0 --appearance 0 --large-steps 0 --seed 0 --steps 20 --backbone")
    expect(scripts.train).toContain('if [ "$RESTARTS" -lt 2 ]; then')
    expect(scripts.train).toContain('--checkpoint-every 25')
  })

  it('keeps the shared index single-writer: tasks train and evaluate on a node-local copy of the features job snapshot', () => {
    expect(scripts.features).toContain(`runs snapshot '/shared/b/index.sqlite'`)
    expect(scripts.train).toContain('cp "$BENCH/index.sqlite" "$SCRATCH/index.sqlite"')
    const commands = scripts.train.split('\n').filter((l) => l.includes('"${SEMAGIC[@]}"'))
    expect(commands).toHaveLength(2)
    for (const c of commands) expect(c).toContain('--db "$SCRATCH/index.sqlite"')
    expect(scripts.collect).toMatch(/runs import --data-dir '\/shared\/it'\\''s here' \\\n {2}'\/shared\/it'\\''s here'\/runs\/'bird-semagic-seed0-x' \\\n/)
    expect(scripts.collect).toContain("bench --from-runs '--dataset' 'demo' '--variants' 'semagic' --json '/shared/b/table.json'")
  })

  it('never carries the environment (a hub token) into a script', () => {
    const token = 'hf_thisMustNotLeak'
    process.env.HF_TOKEN = token
    try {
      const again = benchScripts(plan, { dataDir: '/w', benchDir: '/w/b', semagic: ['semagic'], trainDataset: 'demo', backbone: 'handmade', settings })
      for (const s of Object.values(again)) expect(s).not.toContain(token)
    } finally {
      delete process.env.HF_TOKEN
    }
  })

  it('passes --device on to every command that runs the engine or a backbone, and nothing without one', () => {
    const onGpu = benchScripts(plan, { dataDir: '/w', benchDir: '/w/b', semagic: ['semagic'], trainDataset: 'demo', backbone: 'handmade', settings, device: 'gpu' })
    expect(onGpu.features).toContain("features --dataset 'demo' --backbone 'handmade' --device gpu --data-dir '/w'")
    const commands = onGpu.train.split('\n').filter((l) => /"\$\{SEMAGIC\[@\]\}" (train|eval)/.test(l))
    expect(commands).toHaveLength(2)
    for (const c of commands) expect(c).toContain(' --device gpu ')
    expect(onGpu.collect).toContain("--json '/w/b/table.json' --device gpu --data-dir '/w'")
    for (const s of Object.values(scripts)) expect(s).not.toContain('--device')
  })

  it('quotes for bash', () => {
    expect(shq("a b'c")).toBe(`'a b'\\''c'`)
  })
})

describe('slurm options and states', () => {
  it('refuses scheduler options without --on slurm, and bad values by name', () => {
    expect(parseSlurmOptions({})).toBeNull()
    expect(() => parseSlurmOptions({ partition: 'gpu' })).toThrow('--partition goes with --on slurm')
    expect(() => parseSlurmOptions({ on: 'k8s' })).toThrow(/--on takes slurm/)
    expect(() => parseSlurmOptions({ on: 'slurm', 'requeue-max': '-1' })).toThrow('--requeue-max must be an integer >= 0, got -1')
    expect(() => parseSlurmOptions({ on: 'slurm', time: '1h; rm -rf /' })).toThrow(/--time takes Slurm's forms/)
    expect(parseSlurmOptions({ on: 'slurm' })).toMatchObject({ requeueMax: 3, checkpointEvery: 50, partition: null, dryRun: false })
  })

  it('reads array task specs and Slurm state names', () => {
    expect(arrayHolds('0-3', 2)).toBe(true)
    expect(arrayHolds('1,3,5-7%2', 6)).toBe(true)
    expect(arrayHolds('1,3,5-7%2', 4)).toBe(false)
    expect(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED+', 'REQUEUED'].map(stateOf)).toEqual(['queued', 'running', 'done', 'failed', 'failed', 'queued'])
  })
})
