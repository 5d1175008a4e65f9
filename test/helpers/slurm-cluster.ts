import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A one-node Slurm cluster on this machine from Debian's packages (slurmctld, slurmd, munge,
 * slurm-client), private to one test process: its own munged socket and key, its own ports,
 * cluster and node names and state folders under one temporary folder, so that it neither sees
 * nor disturbs another cluster on the machine. Needs root (slurmd starts jobs as their user).
 */
export interface SlurmCluster {
  dir: string
  /** The environment that points Slurm's client commands at this cluster (SLURM_CONF). */
  env: NodeJS.ProcessEnv
  /** Runs a client command (squeue, scontrol, sbatch) against this cluster; returns stdout. */
  run(command: string, ...args: string[]): string
  stop(): void
}

const BINARIES = ['slurmctld', 'slurmd', 'munged', 'sbatch', 'scontrol', 'sinfo', 'scancel']

/** Why the cluster cannot start here, or null when it can: the test skips with this reason. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return 'a Slurm cluster test needs Linux'
  if (process.getuid?.() !== 0) return 'starting slurmctld, slurmd and munged needs root'
  const which = (b: string): boolean => spawnSync('sh', ['-c', `command -v ${b}`], { env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }).status === 0
  const missing = BINARIES.filter((b) => !which(b))
  return missing.length > 0 ? `Slurm is not installed (missing ${missing.join(', ')}): apt-get install slurmctld slurmd munge slurm-client` : null
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

const pidOf = (file: string): number | null => {
  if (!existsSync(file)) return null
  const pid = Number(readFileSync(file, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

let current: SlurmCluster | null = null

/**
 * Starts the cluster (or returns the one this process started already) and waits until its node
 * takes jobs. Its daemons are stopped and its folder removed by stop(), and at the latest when
 * this process exits.
 */
export async function startSlurmCluster(options: { cpus?: number } = {}): Promise<SlurmCluster> {
  if (current) return current
  const dir = mkdtempSync(join(tmpdir(), 'semagic-slurm-'))
  chmodSync(dir, 0o755)
  const tag = randomBytes(3).toString('hex')
  const cluster = `semagic${tag}`
  const node = `semagic-node-${tag}`
  const [ctldPort, nodePort] = [await freePort(), await freePort()]
  for (const d of ['state', 'spool', 'log', 'munge', 'jobs']) mkdirSync(join(dir, d), { recursive: true, mode: 0o755 })
  chmodSync(join(dir, 'jobs'), 0o1777)

  // Our own munged, on its own socket with its own key: another engineer's munge is left alone.
  const key = join(dir, 'munge', 'munge.key')
  writeFileSync(key, randomBytes(1024), { mode: 0o400 })
  const socket = join(dir, 'munge', 'munge.socket')
  const mungePid = join(dir, 'munge', 'munged.pid')
  execFileSync('munged', ['--force', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${mungePid}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`], {
    stdio: 'pipe',
  })

  const conf = join(dir, 'slurm.conf')
  writeFileSync(
    conf,
    [
      `ClusterName=${cluster}`,
      // slurmctld runs only where its host name says; the node has a name of its own (slurmd -N).
      `SlurmctldHost=${hostname().split('.')[0]}(127.0.0.1)`,
      'MailProg=/bin/true',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${nodePort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      // cred_expire also sets how long a requeued job waits before it may start again (120 s by default).
      `AuthInfo=socket=${socket},cred_expire=10`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobRequeue=1',
      // Short waits: a killed task is signalled, killed and requeued within seconds.
      'KillWait=2',
      'MinJobAge=600',
      'SchedulerParameters=sched_interval=2',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${options.cpus ?? 2} State=UNKNOWN`,
      `PartitionName=main Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  )
  const env = { ...process.env, SLURM_CONF: conf }
  const run = (command: string, ...args: string[]): string => execFileSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

  const stop = (): void => {
    for (const pidFile of [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), mungePid]) {
      const pid = pidOf(pidFile)
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGTERM')
    }
    // Jobs still running were started by our slurmd: their processes died with it (linuxproc tracks them).
    const deadline = Date.now() + 5000
    while (Date.now() < deadline && [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), mungePid].some((f) => { const p = pidOf(f); return p !== null && alive(p) })) {
      spawnSync('sleep', ['0.1'])
    }
    rmSync(dir, { recursive: true, force: true })
    current = null
    process.off('exit', stop)
  }
  process.on('exit', stop)
  try {
    execFileSync('slurmctld', ['-f', conf], { env, stdio: 'pipe' })
    execFileSync('slurmd', ['-f', conf, '-N', node], { env, stdio: 'pipe' })
    const deadline = Date.now() + 60_000
    for (;;) {
      let state = ''
      try {
        state = run('sinfo', '-h', '-N', '-o', '%T').trim()
      } catch {
        // slurmctld not answering yet
      }
      if (state === 'idle') break
      if (Date.now() > deadline) throw new Error(`the one-node cluster did not come up (node state "${state}"); logs in ${join(dir, 'log')}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  } catch (error) {
    const logs = ['slurmctld.log', 'slurmd.log', 'munged.log']
      .map((f) => join(dir, 'log', f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n')
    stop()
    throw new Error(`${(error as Error).message}\n${logs}`)
  }
  current = { dir, env, run, stop }
  return current
}
