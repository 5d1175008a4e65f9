import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/run-cli'
import { FIXTURE, scratch } from '../datasets/helpers'

describe('semagic bench --on slurm --dry-run and --from-runs', () => {
  it('plans one task per category and seed and prints the scripts without submitting; --from-runs trains nothing', async () => {
    const ws = join(scratch(), 'ws')
    const base = ['bench', '--spair', FIXTURE, '--methods', 'nn-handmade', '--categories', 'cat,bicycle', '--variants', 'semagic', '--seeds', '2', '--steps', '5', '--backbone', 'handmade', '--data-dir', ws]
    const dry = await runCli(...base, '--on', 'slurm', '--dry-run', '--time', '30', '--requeue-max', '1')
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('#SBATCH --array=0-3')
    expect(dry.stdout).toMatch(/3\) RUN='bicycle-semagic-seed1-\d{8}T\d{6}-[0-9a-f]{6}'; ARGS=\(--dataset 'SPair-71k' --category 'bicycle' --variant semagic --articulation 0 --appearance 0 --large-steps 0 --seed 1 --steps 5 --batch-size 24 --hypotheses 8 --backbone 'handmade'\)/)
    expect(dry.stdout).toContain("bench --from-runs '--dataset' 'SPair-71k' '--categories' 'cat,bicycle' '--methods' 'nn-handmade' '--variants' 'semagic'")
    // The collecting job prints the same rows, the hybrid kinds included.
    expect(dry.stdout).toContain("'--backbone' 'handmade' '--hybrids' 'hybrid'")
    expect(dry.stdout).toMatch(/T=\$\(sbatch --parsable --dependency=afterok:\$F --kill-on-invalid-dep=yes .*train\.sh\)/)
    const [bench] = readdirSync(join(ws, 'benches'))
    const dir = join(ws, 'benches', bench!)
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toMatchObject({ dataset: 'SPair-71k', jobs: null, tasks: [{ index: 0, category: 'cat', seed: 0 }, { category: 'bicycle', seed: 0 }, { category: 'cat', seed: 1 }, { category: 'bicycle', seed: 1 }] })
    for (const f of ['features.sh', 'train.sh', 'collect.sh']) expect(existsSync(join(dir, f))).toBe(true)
    expect(existsSync(join(ws, 'runs'))).toBe(false) // nothing trained, nothing submitted
    // The appearance weight reaches each task's train and the collecting job's table, and names the run.
    const coloured = await runCli(...base, '--appearance', '0.5', '--on', 'slurm', '--dry-run')
    expect(coloured.code, coloured.stderr).toBe(0)
    expect(coloured.stdout).toMatch(/3\) RUN='bicycle-semagic-app0\.5-seed1-\d{8}T\d{6}-[0-9a-f]{6}'; ARGS=\(--dataset 'SPair-71k' --category 'bicycle' --variant semagic --articulation 0 --appearance 0\.5 --large-steps 0 --seed 1 /)
    expect(coloured.stdout).toContain("'--articulation' '0' '--appearance' '0.5' '--large-steps' '0' '--seeds' '2'")
    // So does the large-steps lambda.
    const large = await runCli(...base, '--large-steps', '1', '--on', 'slurm', '--dry-run')
    expect(large.code, large.stderr).toBe(0)
    expect(large.stdout).toMatch(/3\) RUN='bicycle-semagic-ls1-seed1-\d{8}T\d{6}-[0-9a-f]{6}'; ARGS=\(--dataset 'SPair-71k' --category 'bicycle' --variant semagic --articulation 0 --appearance 0 --large-steps 1 --seed 1 /)
    expect(large.stdout).toContain("'--appearance' '0' '--large-steps' '1' '--seeds' '2'")

    const fromRuns = await runCli(...base, '--from-runs')
    expect(fromRuns.code).toBe(1)
    expect(fromRuns.stderr).toMatch(/no finished run of semagic on SPair-71k\/cat, seed 0, 5 steps is indexed: import its folder \(semagic runs import DIR\)/)
    expect((await runCli(...base, '--partition', 'gpu')).stderr).toMatch(/--partition goes with --on slurm/)

    // A batch other than the default is a row of its own: its label, its tasks' flag and the collecting job's.
    const batched = await runCli(...base, '--batch-size', '3', '--hypotheses', '4', '--on', 'slurm', '--dry-run')
    expect(batched.code, batched.stderr).toBe(0)
    expect(batched.stdout).toMatch(/0\) RUN='cat-semagic-b3-h4-seed0-[^']+'; ARGS=\(.* --steps 5 --batch-size 3 --hypotheses 4 --backbone 'handmade'\)/)
    expect(batched.stdout).toContain("'--steps' '5' '--batch-size' '3' '--hypotheses' '4'")
    const refused = await runCli(...base, '--batch-size', '0')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--batch-size must be an integer 1\.\.512, got 0/)
    expect((await runCli(...base, '--hypotheses', 'many')).stderr).toMatch(/--hypotheses must be an integer 1\.\.32, got many/)
  })
})
