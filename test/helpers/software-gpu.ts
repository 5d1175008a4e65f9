import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Debian's chromium ships SwiftShader's Vulkan driver: a WebGPU adapter on a machine with no GPU (ML-NOTES §4.2). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'

/**
 * The environment that points the Vulkan loader at SwiftShader, for this process (call it before
 * the first adapter is requested) or for a child process. XDG_RUNTIME_DIR only silences a warning.
 */
export function softwareGpuEnv(): Record<string, string> {
  const runtime = join(tmpdir(), 'semagic-xdg-runtime')
  mkdirSync(runtime, { recursive: true, mode: 0o700 })
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? runtime }
}

export function useSoftwareGpu(): void {
  if (!existsSync(SWIFTSHADER_ICD)) throw new Error(`${SWIFTSHADER_ICD} is missing: install Debian's chromium package (apt-get install -y chromium), which ships SwiftShader`)
  Object.assign(process.env, softwareGpuEnv())
}
