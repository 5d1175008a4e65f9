import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The CPU model from /proc/cpuinfo, for the machine line of every benchmark section. */
export function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * Replaces one benchmark's section of BENCHMARKS.md (between its own begin and end markers),
 * or appends it, leaving every other section as it was.
 */
export function updateBenchmarks(section: string, begin: string, end: string): void {
  const path = join(__dirname, '..', 'BENCHMARKS.md')
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const start = text.indexOf(begin)
  const stop = text.indexOf(end)
  const next = start >= 0 && stop > start ? `${text.slice(0, start)}${section}${text.slice(stop + end.length)}` : `${text.trimEnd()}\n\n${section}\n`
  writeFileSync(path, next)
}

/** Prints a benchmark's section and, unless BENCH_NO_WRITE is set, puts it into BENCHMARKS.md. */
export function publishSection(section: string, begin: string, end: string): void {
  console.log(section)
  if (!process.env.BENCH_NO_WRITE) updateBenchmarks(section, begin, end)
}

/** Runs a benchmark's main: its return is the exit code (1 when a budget is missed), a throw prints its stack and exits 1. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
