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
