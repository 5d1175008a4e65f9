import { execFile } from 'node:child_process'

/** A Slurm client command's output; its own message when it fails (sbatch names what it refused). */
class SlurmMissing extends Error {}

function slurm(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new SlurmMissing(`${command} is not on PATH: run this where the Slurm client commands are installed (a login node)`))
        else reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`))
      } else resolve(stdout)
    })
  })
}

/** Submits a batch script; returns the job id (an array's parent id). */
export async function sbatch(script: string, dependency: string | null): Promise<string> {
  const args = ['--parsable', ...(dependency ? [`--dependency=afterok:${dependency}`, '--kill-on-invalid-dep=yes'] : []), script]
  const out = (await slurm('sbatch', args)).trim()
  const id = out.split(';')[0] ?? ''
  if (!/^\d+$/.test(id)) throw new Error(`sbatch ${script}: unexpected answer "${out}"`)
  return id
}

export async function scancel(jobIds: string[]): Promise<void> {
  await slurm('scancel', jobIds)
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'unknown'

/** Slurm's state names as the bench shows them. */
export function stateOf(slurmState: string): JobState {
  const s = slurmState.toUpperCase()
  if (['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'CONFIGURING', 'RESV_DEL_HOLD', 'SUSPENDED'].some((x) => s.startsWith(x))) return 'queued'
  if (['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING', 'RESIZING'].some((x) => s.startsWith(x))) return 'running'
  if (s.startsWith('COMPLETED')) return 'done'
  if (['FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'REVOKED'].some((x) => s.startsWith(x))) return 'failed'
  return 'unknown'
}

/**
 * The states of the jobs (and array tasks, `123_4`) that Slurm still knows of: squeue for those
 * queued or running, `scontrol show job` for those ended recently. Jobs it no longer knows are
 * absent (the bench folder's own records answer for them). Null where Slurm's commands are not
 * installed (the studio on a workstation looking at a bench folder).
 */
export async function jobStates(jobIds: string[]): Promise<Map<string, { state: JobState; reason: string }> | null> {
  const out = new Map<string, { state: JobState; reason: string }>()
  for (const id of jobIds) {
    let text: string
    try {
      text = await slurm('scontrol', ['show', 'job', '-o', id])
    } catch (error) {
      if (error instanceof SlurmMissing) return null // a machine without the cluster's commands: only the folder can answer
      continue // ended long ago, or never existed
    }
    for (const line of text.split('\n').filter(Boolean)) {
      const field = (name: string): string => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? ''
      const parent = field('ArrayJobId')
      const task = field('ArrayTaskId')
      const key = parent && task ? `${parent}_${task}` : field('JobId')
      out.set(key, { state: stateOf(field('JobState')), reason: field('Reason') })
    }
  }
  return out
}
