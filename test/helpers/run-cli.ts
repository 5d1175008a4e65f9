import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { main } from '../../src/main/cli/index'

/** A writable stream that keeps what is written, for reading a command's output. */
export function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

/** Runs `semagic <argv>` in this process and returns its exit code, stdout and stderr. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout, stderr })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/**
 * Runs `semagic <argv>` in a process of its own with `env` added (through vite-node, from the
 * sources), for what one process cannot test twice: the Vulkan loader reads VK_ICD_FILENAMES once.
 */
export function runCliChild(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const root = join(__dirname, '..', '..')
  const started = performance.now()
  const child = spawn(process.execPath, [join(root, 'node_modules', 'vite-node', 'vite-node.mjs'), join(__dirname, 'cli-child.ts'), '--', ...argv], { cwd: root, env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, seconds: (performance.now() - started) / 1000 }))
  })
}
