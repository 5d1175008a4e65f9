import { parseArgs } from 'node:util'
import { APP_VERSION } from '../core/version'
import { CliUsageError } from './cli-error'
import { COMMON_OPTIONS } from './command'
import type { CliIo, Command } from './command'
import { benchCommand } from './commands/bench'
import { datasetsCommand } from './commands/datasets'
import { evalCommand } from './commands/eval'
import { featuresCommand } from './commands/features'
import { meshCommand } from './commands/mesh'
import { runsCommand } from './commands/runs'
import { serveCommand } from './commands/serve'
import { trainCommand } from './commands/train'

const COMMANDS: Command[] = [serveCommand, datasetsCommand, featuresCommand, evalCommand, trainCommand, runsCommand, benchCommand, meshCommand]

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    `semagic ${APP_VERSION}: the SEMAGIC studio's command line`,
    '',
    'Usage: semagic <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --data-dir DIR (the workspace: SQLite database, caches, runs; default: the',
    "platform's user data folder, shared with the desktop studio) and --help.",
    'Results go to stdout (--json where a command reports), progress to stderr.',
    '',
  ].join('\n')
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help())
    return 0
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${APP_VERSION}\n`)
    return 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  try {
    if (!command) throw new CliUsageError(`unknown command "${name}"; run semagic --help`)
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      io.stdout.write(`${command.usage}\n\n${command.summary}\n`)
      return 0
    }
    return await command.run(values, positionals, io)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const usage = error instanceof CliUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    io.stderr.write(`semagic ${name}: ${(error as Error).message}\n`)
    if (!usage && process.env.SEMAGIC_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`)
    return usage ? 2 : 1
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code
  })
}
