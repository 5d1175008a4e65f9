import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ImportResult } from '../../../shared/ipc/channels/datasets'
import { DEFAULT_SEED, generateSynthetic } from '../../datasets/synthetic/generate'
import type { Db } from '../../store/migration'
import { findDataset } from '../datasets/dataset-queries'
import type { DatasetsService } from '../datasets/datasets-service'
import type { JobContext, JobManager } from '../jobs/job-manager'

export const DEMO_NAME = 'demo'

/**
 * The studio's built-in data set: the synthetic benchmark, generated into the workspace on
 * first use and imported under the name `demo`. Never committed, always reproducible from the
 * seed. `SEMAGIC_DEMO_SIZE=small` makes a tiny one (tests, quick looks).
 */
export class DemoService {
  private runningJob: string | null = null

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly jobs: JobManager,
    private readonly datasets: DatasetsService,
  ) {}

  get root(): string {
    return join(this.dataDir, 'demo', 'SPair-synthetic')
  }

  exists(): boolean {
    return findDataset(this.db, DEMO_NAME) !== undefined
  }

  /** Starts generating and importing the demo set unless it is there (or on its way): the job's id, or null. */
  startEnsure(): string | null {
    if (this.runningJob) return this.runningJob
    if (this.exists()) return null
    const jobId = this.jobs.start('datasets.demo', 'Prepare the built-in demo data set', {}, async (ctx) => {
      try {
        return await this.build(ctx)
      } finally {
        this.runningJob = null
      }
    })
    this.runningJob = jobId
    return jobId
  }

  /** Resolves once the demo set is indexed. */
  async ensure(): Promise<void> {
    const jobId = this.startEnsure()
    if (jobId) await this.jobs.wait(jobId)
  }

  private async build(ctx: JobContext): Promise<ImportResult> {
    const root = this.root
    // The generator renames a finished tree into place, so a tree that is there is whole;
    // only its README can tell a tree from a leftover folder.
    if (existsSync(root) && !existsSync(join(root, 'README'))) rmSync(root, { recursive: true, force: true })
    if (!existsSync(root)) {
      const size = process.env.SEMAGIC_DEMO_SIZE === 'small' ? 'small' : 'full'
      await generateSynthetic({
        out: root,
        size,
        seed: DEFAULT_SEED,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(done, total, 'images', 'generating the demo data set'),
      })
      ctx.throwIfCancelled()
    }
    return this.datasets.importTree(root, DEMO_NAME, ctx)
  }
}
