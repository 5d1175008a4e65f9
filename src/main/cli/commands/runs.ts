import { ranOnLabel } from '../../../shared/device'
import { modelLabel } from '../../../shared/ipc/channels/train'
import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import type { ImportedRun } from '../../services/runs/runs-service'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'

const USAGE = [
  'semagic runs list [--json] [--data-dir DIR]',
  '       semagic runs import DIR... [--json] [--data-dir DIR]',
  '       semagic runs snapshot FILE [--data-dir DIR]',
].join('\n')

/**
 * Run folders in and out of a workspace's index: `list` prints the indexed runs (status, steps,
 * where they trained), `import` indexes finished run folders trained
 * elsewhere (copied into runs/ when they lie outside it; unfinished ones are refused), `snapshot`
 * writes a copy of the index for cluster tasks, which never write the shared one.
 */
export const runsCommand: Command = {
  name: 'runs',
  summary: 'list the indexed runs (list), index finished run folders from elsewhere (import), copy the index for cluster tasks (snapshot)',
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
  },
  async run(values, positionals, io) {
    const [sub, ...args] = positionals
    if (sub !== 'list' && sub !== 'import' && sub !== 'snapshot') throw new CliUsageError(`expected "list", "import" or "snapshot"\nusage: ${USAGE}`)
    if (sub === 'list' && args.length > 0) throw new CliUsageError(`unexpected argument "${args[0]}"\nusage: ${USAGE}`)
    if (sub !== 'list' && args.length === 0) throw new CliUsageError(`${sub === 'import' ? 'give one or more run folders' : 'give the file to write'}\nusage: ${USAGE}`)
    if (sub === 'snapshot' && args.length > 1) throw new CliUsageError(`unexpected argument "${args[1]}"\nusage: ${USAGE}`)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`) })
    try {
      if (sub === 'list') {
        const runs = core.services.train.runs()
        if (values.json) io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
        else {
          for (const r of runs) {
            io.stdout.write(`${r.id}: ${r.status}, ${r.config.category} ${modelLabel(r.config)} seed ${r.config.seed}, ${r.summary?.step ?? 0}/${r.config.steps} steps, on ${ranOnLabel(r)}\n`)
          }
        }
        return 0
      }
      if (sub === 'snapshot') {
        core.services.runs.snapshot(args[0]!)
        io.stderr.write(`index of ${dataDir} copied to ${args[0]!}\n`)
        return 0
      }
      // Each folder on its own: one bad folder is reported and the others still come in.
      const imported: ImportedRun[] = []
      let failed = 0
      for (const dir of args) {
        try {
          const r = core.services.runs.importFolder(dir)
          imported.push(r)
          if (!values.json) {
            io.stdout.write(`${r.run.id}: ${r.run.config.category} ${modelLabel(r.run.config)} seed ${r.run.config.seed}, ${r.run.config.steps} steps on ${ranOnLabel(r.run)}` +
              `${r.copied ? `, copied into ${r.run.folder}` : ''}${r.reports > 0 ? `, ${r.reports} report${r.reports > 1 ? 's' : ''}` : ''}\n`)
          }
        } catch (error) {
          failed++
          io.stderr.write(`semagic runs import: ${(error as Error).message}\n`)
        }
      }
      if (values.json) io.stdout.write(`${JSON.stringify(imported, null, 2)}\n`)
      io.stderr.write(`${imported.length} run${imported.length === 1 ? '' : 's'} imported${failed > 0 ? `, ${failed} refused` : ''}\n`)
      return failed > 0 ? 1 : 0
    } finally {
      core.close()
    }
  },
}
