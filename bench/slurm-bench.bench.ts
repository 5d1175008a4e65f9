/**
 * Wall time of the tiny bench (`--categories bird --variants semagic --seeds 1 --steps 20`,
 * handmade backbone, small demo data set, methods nn-handmade) run here and through
 * `--on slurm --wait` on a one-node Slurm cluster on this machine (test/helpers/slurm-cluster.ts:
 * root and Debian's slurmctld, slurmd, munge, slurm-client). Each from a fresh workspace, so both
 * generate the demo data set and compute its features. The tables must be equal, or it fails.
 *
 *   npm run build && sudo npx vite-node bench/slurm-bench.bench.ts [-- --repeats 2]
 */
import { execFile } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { slurmUnavailable, startSlurmCluster } from '../test/helpers/slurm-cluster'
import { tempDir } from '../test/helpers/temp-dir'
import { cpuModel, runBench, updateBenchmarks } from './bench-report'

const MARK_BEGIN = '<!-- slurm-bench:begin -->'
const MARK_END = '<!-- slurm-bench:end -->'
const root = resolve(__dirname, '..')
const repeatsArg = process.argv.indexOf('--repeats')
const REPEATS = repeatsArg >= 0 ? Number(process.argv[repeatsArg + 1]) : 2
const TINY = ['--dataset', 'demo', '--categories', 'bird', '--variants', 'semagic', '--seeds', '1', '--steps', '20', '--backbone', 'handmade', '--methods', 'nn-handmade']

function semagic(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now()
  return new Promise((done, fail) => {
    execFile(process.execPath, [join(root, 'bin/semagic.cjs'), ...args], { env: { ...env, SEMAGIC_DEMO_SIZE: 'small' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`semagic ${args.join(' ')}: ${stderr}`))
      else done({ seconds: (performance.now() - started) / 1000, stdout })
    })
  })
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

runBench(async () => {
  const why = slurmUnavailable()
  if (why) throw new Error(why)
  const load = loadavg()[0]!
  const cluster = await startSlurmCluster({ cpus: availableParallelism() })
  const local: number[] = []
  const slurm: number[] = []
  let table = ''
  try {
    for (let i = 0; i < REPEATS; i++) {
      for (const on of ['local', 'slurm'] as const) {
        const ws = tempDir(`semagic-slurm-bench-${on}-`)
        try {
          const r = on === 'local' ? await semagic(['bench', ...TINY, '--data-dir', ws.path], process.env) : await semagic(['bench', ...TINY, '--on', 'slurm', '--wait', '--data-dir', ws.path], cluster.env)
          ;(on === 'local' ? local : slurm).push(r.seconds)
          if (table && r.stdout !== table) throw new Error(`the ${on} table differs:\n${r.stdout}\nfrom:\n${table}`)
          table = r.stdout
          process.stdout.write(`${on} ${i + 1}/${REPEATS}: ${r.seconds.toFixed(1)} s\n`)
        } finally {
          ws.remove()
        }
      }
    }
  } finally {
    cluster.stop()
  }
  const date = new Date().toISOString().slice(0, 10)
  const section = [
    MARK_BEGIN,
    '## The tiny bench here and on a one-node Slurm cluster',
    '',
    `\`npx vite-node bench/slurm-bench.bench.ts\` (as root), ${date}, ${cpuModel()}, ${availableParallelism()} cores (load ${load.toFixed(1)} at the start: other work shares them), Node ${process.version}, Debian's Slurm 22.05 one-node cluster with CPUs=${availableParallelism()}.`,
    `\`semagic bench ${TINY.join(' ')}\` from a fresh workspace each time (the small demo data set generated, features computed), ${REPEATS} runs each, median:`,
    '',
    '| where | wall time (s) | runs (s) |',
    '| --- | ---: | --- |',
    `| here (one process) | ${median(local).toFixed(1)} | ${local.map((s) => s.toFixed(1)).join(', ')} |`,
    `| \`--on slurm --wait\` (features job, 1-task array, collecting job) | ${median(slurm).toFixed(1)} | ${slurm.map((s) => s.toFixed(1)).join(', ')} |`,
    '',
    'Both printed the same table:',
    '',
    '```',
    table.trimEnd(),
    '```',
    '',
    'On one node the cluster only adds its overhead: three jobs started in turn (each a fresh Node process that opens the workspace,',
    'the scheduler passing every few seconds), the index snapshot and its copy per task, the import and the table in the collecting',
    'job. The array is where it pays: its tasks run side by side on as many nodes as the cluster gives.',
    MARK_END,
  ].join('\n')
  updateBenchmarks(section, MARK_BEGIN, MARK_END)
  process.stdout.write(`${section}\n`)
  return 0
})
