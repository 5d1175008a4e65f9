import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCore } from '../../../src/main/core/create-core'
import type { Core } from '../../../src/main/core/create-core'
import { latestCheckpoint } from '../../../src/main/runs/checkpoint'
import { tempDir } from '../../helpers/temp-dir'
import { benchDir, writePlan } from '../../../src/main/cluster/bench-plan'
import { call, openCore } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

const CONFIG = { dataset: 'demo', split: 'trn', category: 'bird', variant: 'semagic', steps: 6, batchSize: 24, hypotheses: 8, seed: 1, templateLevel: 3, articulation: 0, backbone: 'handmade', appearance: 0, largeSteps: 0 } as const

/** A cluster task's view of a workspace: the shared folder, and a private copy of its index. */
function taskCore(workspace: Core, scratch: string, name: string): Core {
  const db = join(scratch, `${name}.sqlite`)
  workspace.services.runs.snapshot(db)
  return createCore({ dataDir: workspace.dataDir, dbFile: db, checkpointEvery: 2, log: () => {} })
}

async function trainInto(core: Core, runId: string): Promise<void> {
  const { jobId } = core.services.train.trainInto({ ...CONFIG }, runId)
  if (jobId !== null) await core.services.jobs.wait(jobId)
}

const hash = (dir: string): string => latestCheckpoint(dir, () => {}, { clean: false })!.weightsSha256

describe('run folders trained by tasks with a private index, imported into a workspace', () => {
  it('indexes finished runs only, from here or from another workspace, and resumes a killed task into its folder', { timeout: 240_000 }, async () => {
    const scratch = tempDir()
    try {
      const shared = openCore()
      await shared.services.demo.ensure()
      await shared.services.features.ensure('demo', 'handmade', {})

      // A task trains into the shared workspace's runs/ with its own index: the shared index learns nothing.
      const task = taskCore(shared, scratch.path, 'task-1')
      await trainInto(task, 'bird-task-1')
      task.close()
      const runDir = shared.services.train.runDir('bird-task-1')
      expect(existsSync(join(runDir, 'summary.json'))).toBe(true)
      expect(shared.services.train.runs().map((r) => r.id)).not.toContain('bird-task-1')

      const imported = shared.services.runs.importFolder(runDir)
      expect(imported).toMatchObject({ copied: false, run: { id: 'bird-task-1', status: 'succeeded', folder: join('runs', 'bird-task-1'), summary: { step: 6, images: 8 } } })
      expect(shared.services.train.findFinished({ ...CONFIG })?.id).toBe('bird-task-1')

      // A task killed after its checkpoint at step 4 (its final checkpoint lost), requeued with a fresh private index.
      const killed = shared.services.train.runDir('bird-task-2')
      cpSync(runDir, killed, { recursive: true })
      const manifest = JSON.parse(readFileSync(join(killed, 'run.json'), 'utf8')) as { id: string }
      writeFileSync(join(killed, 'run.json'), JSON.stringify({ ...manifest, id: 'bird-task-2' }))
      rmSync(join(killed, 'ckpt-00000006'), { recursive: true })
      rmSync(join(killed, 'summary.json'))
      expect(() => shared.services.runs.importFolder(killed)).toThrow(/bird-task-2 has not finished \(checkpoint at step 4 of 6\)/)
      expect(shared.services.train.runs().map((r) => r.id)).not.toContain('bird-task-2')
      const requeued = taskCore(shared, scratch.path, 'task-2')
      await trainInto(requeued, 'bird-task-2')
      expect(requeued.services.train.trainInto({ ...CONFIG }, 'bird-task-2').jobId).toBeNull() // finished: a second requeue has nothing to do
      expect(() => requeued.services.train.trainInto({ ...CONFIG, seed: 2 }, 'bird-task-2')).toThrow(/run\.json: config\.seed is 1, not 2/)
      expect(() => requeued.services.train.trainInto({ ...CONFIG }, '../escape')).toThrow('run id "../escape" is not a folder name')
      requeued.close()
      expect(hash(killed)).toBe(hash(runDir))

      // Another machine's workspace: the folder is copied into its runs/ and checked against its data set.
      const other = openCore()
      await other.services.demo.ensure()
      const moved = other.services.runs.importFolder(runDir)
      expect(moved).toMatchObject({ copied: true, run: { id: 'bird-task-1', status: 'succeeded' } })
      expect(hash(other.services.train.runDir('bird-task-1'))).toBe(hash(runDir))
      expect(other.services.runs.importFolder(runDir).copied).toBe(false) // the same run again: indexed, not copied twice

      const foreign = join(scratch.path, 'foreign-run')
      cpSync(runDir, foreign, { recursive: true })
      const json = JSON.parse(readFileSync(join(foreign, 'run.json'), 'utf8')) as { id: string; dataset: { version: string } }
      writeFileSync(join(foreign, 'run.json'), JSON.stringify({ ...json, id: 'bird-elsewhere', dataset: { ...json.dataset, version: 'f00d' } }))
      expect(() => other.services.runs.importFolder(foreign)).toThrow(/foreign-run\/run\.json: dataset\.version f00d is not the workspace's "demo"/)
      writeFileSync(join(foreign, 'run.json'), JSON.stringify({ ...json, id: '../escape' }))
      expect(() => other.services.runs.importFolder(foreign)).toThrow(/run\.json: id is "\.\.\/escape", not a run id/)
      expect(other.services.train.runs().map((r) => r.id)).toEqual(['bird-task-1'])
    } finally {
      scratch.remove()
    }
  })
})

describe('run folders and cluster benches through the contract', () => {
  it('refuses each bad folder with its reason, and lists a bench from its folder without a scheduler', async () => {
    const core = openCore()
    const missing = join(core.dataDir, 'no-such-run')
    const r = await call(core, 'runs.import', { folders: ['relative/run', missing] })
    expect(r.imported).toEqual([])
    expect(r.refused).toEqual([
      { folder: 'relative/run', message: 'give the folder as an absolute path' },
      { folder: missing, message: `${missing}: not a run folder (no run.json)` },
    ])

    const id = '20261206T000000-aaaaaa'
    const dir = benchDir(core.dataDir, id)
    const task = { dataset: 'demo', category: 'bird', variant: 'semagic', articulation: 0, steps: 20, backbone: 'handmade' }
    writePlan(dir, { id, scheduler: 'slurm', createdAt: '2026-12-06T00:00:00Z', dataset: 'demo', benchArgs: [], tasks: [0, 1].map((seed) => ({ ...task, index: seed, seed, runId: `r${seed}` })), jobs: null })
    writeFileSync(join(dir, 'tasks', '0.state'), 'done 1 2026-12-06T00:01:00Z\n')
    const [bench] = await call(core, 'runs.benches', {})
    expect(bench).toMatchObject({
      id,
      folder: dir,
      finished: false,
      table: null,
      tasks: [
        { index: 0, label: 'bird semagic seed 0', state: 'done', restarts: 1 },
        { index: 1, label: 'bird semagic seed 1', state: 'unknown', restarts: 0 },
      ],
    })
  })
})
