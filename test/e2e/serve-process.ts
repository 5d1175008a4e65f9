import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

const root = resolve(__dirname, '../..')

export interface ServeProcess {
  /** The URL `semagic serve` printed, token included, as a user would open it. */
  url: string
  origin: string
  stop(): Promise<void>
}

/**
 * Starts the built `semagic serve` on a workspace, as a user would from a shell. Shared by the
 * end-to-end setup and bench/ui-frames.bench.ts, which drive the same server from Chromium.
 */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(root, 'bin/semagic.cjs'), 'serve', '--no-open', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`semagic serve printed no URL in 30 s; stderr:\n${stderr}`)), 30_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1]!)
      }
    })
    child.once('exit', (code) => reject(new Error(`semagic serve exited with ${code}; stderr:\n${stderr}`)))
  })
  return {
    url,
    origin: new URL(url).origin,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}
