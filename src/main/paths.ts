import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'semagic-studio'

/**
 * The platform's per-user data folder, the same one Electron's `userData` resolves to for
 * this app, so that the CLI and the desktop studio open the same workspace by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SEMAGIC_DATA_DIR) return env.SEMAGIC_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME)
}
