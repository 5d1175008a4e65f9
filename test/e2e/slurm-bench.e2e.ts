import { execFile, execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestCheckpoint } from '../../src/main/runs/checkpoint'
import { slurmUnavailable, startSlurmCluster } from '../helpers/slurm-cluster'
import type { SlurmCluster } from '../helpers/slurm-cluster'
import { tempDir } from '../helpers/temp-dir'

const root = resolve(__dirname, '../..')
const unavailable = slurmUnavailable()
const TINY = ['--dataset', 'demo', '--categories', 'bird', '--variants', 'semagic', '--seeds', '1', '--backbone', 'handmade', '--methods', 'nn-handmade']

/** The built CLI as a user runs it, in a child process (sbatch inherits its environment, as on a login node). */
function semagic(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin/semagic.cjs'), ...args], { env: { ...env, SEMAGIC_DEMO_SIZE: 'small' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** The one run folder of a workspace that trained the bird for `steps` steps. */
function runFolder(dataDir: string, steps: number): string {
  const names = readdirSync(join(dataDir, 'runs')).filter(
    (n) => !n.includes('.tmp-') && (JSON.parse(readFileSync(join(dataDir, 'runs', n, 'run.json'), 'utf8')) as { config: { steps: number } }).config.steps === steps,
  )
  expect(names).toHaveLength(1)
  return join(dataDir, 'runs', names[0]!)
}

const modelHash = (runDir: string): string => latestCheckpoint(runDir, () => {}, { clean: false })!.weightsSha256

describe.skipIf(unavailable !== null)(`semagic bench --on slurm on a one-node cluster${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: SlurmCluster
  const local = tempDir('semagic-bench-local-')
  const shared = tempDir('semagic-bench-slurm-')

  beforeAll(async () => {
    cluster = await startSlurmCluster({ cpus: 2 })
  })
  afterAll(() => {
    cluster?.stop()
    local.remove()
    shared.remove()
  })

  it('gives the local bench table bit for bit, the same model, and the runs in the workspace index', { timeout: 240_000 }, async () => {
    // Side by side: the cluster's bench mostly waits on its scheduler.
    const [here, there] = await Promise.all([
      semagic(['bench', ...TINY, '--steps', '20', '--json', join(local.path, 'bench.json'), '--data-dir', local.path], process.env),
      semagic(['bench', ...TINY, '--steps', '20', '--on', 'slurm', '--wait', '--checkpoint-every', '5', '--json', join(shared.path, 'bench.json'), '--data-dir', shared.path], cluster.env),
    ])
    expect(here.code, here.stderr).toBe(0)
    expect(there.code, there.stderr).toBe(0)
    expect(there.stderr).toMatch(/tasks: 0 queued, 0 running, 1 done, 0 failed; collect done/)
    expect(there.stdout).toBe(here.stdout)
    const json = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as { methods: unknown }).methods
    expect(json(shared.path)).toEqual(json(local.path))
    expect(modelHash(runFolder(shared.path, 20))).toBe(modelHash(runFolder(local.path, 20)))
    // The collecting job indexed the run: it is a finished run of the shared workspace now.
    const runs = await semagic(['bench', ...TINY, '--steps', '20', '--from-runs', '--data-dir', shared.path], process.env)
    expect(runs.stdout).toBe(here.stdout)
  })

  it('requeues a task whose training is killed, and one pre-empted: it resumes from its checkpoints to the uninterrupted model', { timeout: 300_000 }, async () => {
    const steps = 150
    const benches = existsSync(join(shared.path, 'benches')) ? readdirSync(join(shared.path, 'benches')).length : 0
    const bench = semagic(['bench', ...TINY, '--steps', String(steps), '--on', 'slurm', '--wait', '--checkpoint-every', '10', '--data-dir', shared.path], cluster.env)
    const reference = semagic(['train', '--dataset', 'demo', '--category', 'bird', '--variant', 'semagic', '--seed', '0', '--steps', String(steps), '--backbone', 'handmade', '--data-dir', local.path], process.env)

    /** The unfinished run of this bench and its newest checkpoint, once that is past `after`. */
    const checkpointPast = async (after: number): Promise<{ run: string; at: number }> => {
      const deadline = Date.now() + 200_000
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200))
        const runs = existsSync(join(shared.path, 'runs')) ? readdirSync(join(shared.path, 'runs')).filter((n) => /^bird-semagic-seed0-\d{8}T/.test(n) && !n.includes('.tmp-')) : []
        for (const run of runs) {
          if (existsSync(join(shared.path, 'runs', run, 'summary.json'))) continue
          const ckpt = readdirSync(join(shared.path, 'runs', run)).filter((c) => /^ckpt-\d+$/.test(c)).sort().pop()
          if (ckpt && Number(ckpt.slice(5)) > after) return { run, at: Number(ckpt.slice(5)) }
        }
      }
      throw new Error(`no checkpoint past step ${after} of an unfinished run`)
    }

    // A crash: the task's training process dies; the task script sees it fail and requeues itself.
    const first = await checkpointPast(0)
    const train = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(' train ') && l.includes(`--run-id ${first.run}`))
      .map((l) => Number(l.trim().split(/\s+/)[0]))
    expect(train).toHaveLength(1)
    process.kill(train[0]!, 'SIGKILL')
    // A pre-emption once it is back and past its next checkpoint: Slurm takes the node away and requeues it.
    const second = await checkpointPast(first.at)
    expect(second.run).toBe(first.run)
    const job = cluster.run('squeue', '-h', '-o', '%i', '-n', `semagic-${first.run.slice(-6)}-train`).trim()
    cluster.run('scontrol', 'requeue', job)

    const [done, ref] = await Promise.all([bench, reference])
    expect(done.code, done.stderr).toBe(0)
    expect(ref.code, ref.stderr).toBe(0)
    expect(readdirSync(join(shared.path, 'benches'))).toHaveLength(benches + 1)
    const benchDir = join(shared.path, 'benches', readdirSync(join(shared.path, 'benches')).sort().pop()!)
    const log = readFileSync(join(benchDir, 'logs', 'task-0.out'), 'utf8')
    expect(log).toMatch(/start 3\b/)
    expect(readFileSync(join(benchDir, 'tasks', '0.state'), 'utf8')).toMatch(/^done 2 /)
    // Rows logged after a checkpoint by a killed process are dropped when the run resumes: one row per 10 steps.
    const curve = readFileSync(join(shared.path, 'runs', first.run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step)
    expect(curve).toEqual(Array.from({ length: steps / 10 }, (_, i) => 10 * (i + 1)))
    expect(modelHash(join(shared.path, 'runs', first.run))).toBe(modelHash(runFolder(local.path, steps)))
  })
})
