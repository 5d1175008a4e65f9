import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { launchTrainJob } from '../../../src/main/train/train-host'
import type { TrainJob } from '../../../src/main/train/train-protocol'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir('semagic-train-host-')
afterAll(() => dir.remove())

describe('the training host when recording a step fails (a full disk under metrics.jsonl)', () => {
  it('fails the run with that error and stops the worker; nothing escapes to take the process down', async () => {
    // A stand-in training worker: reports steps until it is terminated.
    const worker = join(dir.path, 'steps-worker.cjs')
    writeFileSync(
      worker,
      `const { parentPort } = require('node:worker_threads')
       let step = 0
       parentPort.on('message', (m) => {
         if (m.type === 'start') setInterval(() => parentPort.postMessage({ type: 'event', event: { type: 'step', step: ++step, losses: { total: 1 } } }), 5)
       })`,
    )
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    let events = 0
    const handle = launchTrainJob({} as TrainJob, {
      workerFile: worker,
      onEvent: () => {
        if (++events === 3) throw full
      },
    })
    expect(handle.thread).toBe('worker')
    await expect(handle.done).rejects.toBe(full)
    const seen = events
    await new Promise((r) => setTimeout(r, 100))
    expect(events).toBe(seen) // the worker was stopped: no more steps arrive
  })
})
