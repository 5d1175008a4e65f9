import type { Core } from './create-core'

/**
 * On the studio's start: the built-in demo data set is prepared in the background the first
 * time, so that a new user finds data to look at. Failure is reported, never fatal.
 */
export function startDemo(core: Core, log: (message: string) => void): void {
  try {
    if (core.services.demo.startEnsure()) log(`preparing the built-in demo data set in ${core.services.demo.root}`)
  } catch (error) {
    log(`could not prepare the demo data set: ${(error as Error).message}`)
  }
}
