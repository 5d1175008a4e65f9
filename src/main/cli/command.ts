import type { ParseArgsConfig } from 'node:util'

export type Options = NonNullable<ParseArgsConfig['options']>
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WriteStream | NodeJS.WritableStream
}

export interface Command {
  name: string
  summary: string
  usage: string
  options: Options
  run(values: Values, positionals: string[], io: CliIo): Promise<number>
}

/** Options every command takes. */
export const COMMON_OPTIONS: Options = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
}
