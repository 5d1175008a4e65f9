import { useState } from 'react'
import { MakeResult } from '../../../../shared/ipc/channels/assets'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import { useClient } from '../../client'
import { count } from '../../lib/format'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'

type Source = 'fox' | 'file'

/**
 * Render an SPair-layout benchmark from an animated glTF asset (`assets.make`): the shipped fox,
 * or any asset with a keypoint file the Meshes view saved; the job renders, then imports it.
 */
export function MakeAssetForm({ onMade }: { onMade: (name: string) => void }): React.JSX.Element {
  const client = useClient()
  const [source, setSource] = useState<Source>('fox')
  const [keypoints, setKeypoints] = useState('')
  const [name, setName] = useState('fox')
  const [images, setImages] = useState('275')
  const [seed, setSeed] = useState('1')
  const [jobId, setJobId] = useState<string | null>(null)
  const [startError, setStartError] = useState<Error | null>(null)
  const [result, setResult] = useState<MakeResult | null>(null)

  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    setStartError(null)
    setResult(null)
    setJobId(null)
    const from = source === 'fox' ? { example: 'fox' as const } : { keypoints: keypoints.trim() }
    client.call('assets.make', { name: name.trim(), ...from, images: Number(images), seed: Number(seed) }).then(
      (r) => setJobId(r.jobId),
      (error: Error) => setStartError(error),
    )
  }
  const settled = (job: Job): void => {
    if (job.status !== 'succeeded') return
    const parsed = MakeResult.safeParse(job.result)
    if (!parsed.success) return
    setResult(parsed.data)
    onMade(parsed.data.name)
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Make a benchmark from a 3-D asset">
      <h2>Make a benchmark from a 3-D asset</h2>
      <p className="muted small">
        Renders the asset at random frames of its animations with the demo&apos;s cameras, lights, backgrounds and occluders; keypoints are the vertices its keypoint file names
        (Meshes → keypoints of an asset).
      </p>
      <label>
        Asset
        <select value={source} onChange={(e) => setSource(e.target.value as Source)} name="source">
          <option value="fox">the fox (shipped with the studio, CC-BY)</option>
          <option value="file">a keypoint file…</option>
        </select>
      </label>
      {source === 'file' ? (
        <label>
          Keypoint file (absolute path on the studio machine; it names its .glb)
          <input value={keypoints} onChange={(e) => setKeypoints(e.target.value)} placeholder="/data/assets/Fox.keypoints.json" required spellCheck={false} name="keypoints" />
        </label>
      ) : null}
      <div className="form-row">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required spellCheck={false} name="name" />
        </label>
        <label>
          Images
          <input type="number" min={6} max={99999} value={images} onChange={(e) => setImages(e.target.value)} name="images" />
        </label>
        <label>
          Seed
          <input type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} name="seed" />
        </label>
      </div>
      <div className="row">
        <button type="submit" disabled={name.trim() === '' || (source === 'file' && keypoints.trim() === '')}>
          {source === 'fox' ? 'Make the fox benchmark' : 'Make the benchmark'}
        </button>
      </div>
      <ErrorAlert error={startError} context="make" />
      {jobId ? <JobProgress key={jobId} jobId={jobId} onSettled={settled} /> : null}
      {result ? (
        <p className="result" data-testid="make-result">
          <strong>{result.name}</strong>: {count(result.images.trn + result.images.val + result.images.test)} images of {result.category} (trn {result.images.trn}, val {result.images.val}, test{' '}
          {result.images.test}), {count(result.pairs.trn + result.pairs.val + result.pairs.test)} pairs, {result.keypoints.length} keypoints, from {result.asset}.
        </p>
      ) : null}
    </form>
  )
}
