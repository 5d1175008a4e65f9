import { spawn } from 'node:child_process'
import { builtRendererDir } from '../../build-paths'
import { createCore } from '../../core/create-core'
import { startDemo } from '../../core/start-demo'
import { defaultDataDir } from '../../paths'
import { startServer } from '../../transports/ws-server'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
  } catch {
    // No desktop to open a browser on: the printed URL is enough.
  }
}

/** The warning printed when `--host` is not a loopback address, or null. */
export function bindWarning(host: string): string | null {
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) return null
  return `warning: listening on ${host}, reachable from other machines; anyone with the token controls this workspace`
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the studio to a browser over a local WebSocket (token-protected)',
  usage: 'semagic serve [--host 127.0.0.1] [--port N] [--data-dir DIR] [--no-open]',
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'no-open': { type: 'boolean', default: false },
  },
  async run(values, _positionals, io) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CliUsageError(`--port must be an integer 0..65535, got ${String(values.port)}`)
    }
    const host = String(values.host)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir })
    const running = await startServer({ core, rendererDir: builtRendererDir(), host, port })
    const warning = bindWarning(host)
    if (warning) io.stderr.write(`${warning}\n`)
    io.stderr.write(`workspace: ${dataDir}\n`)
    io.stdout.write(`SEMAGIC studio at ${running.url}\n`)
    startDemo(core, (message) => io.stderr.write(`${message}\n`))
    if (!values['no-open']) openBrowser(running.url)
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await running.close()
    core.close()
    return 0
  },
}
