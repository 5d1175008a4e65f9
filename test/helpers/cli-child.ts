import { main } from '../../src/main/cli/index'

// `semagic` in a process of its own (test/helpers/run-cli.ts runCliChild), for what one process cannot
// test twice: the Vulkan loader reads VK_ICD_FILENAMES once per process.
void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code
})
