/** A user mistake on the command line: printed as one line, exit code 2, no stack. */
export class CliUsageError extends Error {
  override name = 'CliUsageError'
}
