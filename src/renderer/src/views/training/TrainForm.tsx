import { useState } from 'react'
import { DEFAULT_DEVICE, DEVICE_CHOICES, DEVICE_SETTING, DeviceChoice } from '../../../../shared/device'
import { DEFAULT_BATCH_SIZE, DEFAULT_HYPOTHESES, MAX_APPEARANCE, MAX_ARTICULATION_PARTS, MAX_BATCH_SIZE, MAX_HYPOTHESES, MAX_LARGE_STEPS } from '../../../../shared/ipc/channels/train'
import type { Variant } from '../../../../shared/ipc/channels/train'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { BackboneDatalist } from '../../shell/BackboneDatalist'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'
import { NumberField, inBounds } from '../../shell/NumberField'
import type { NumberBounds } from '../../shell/NumberField'
import { SelectField } from '../../shell/SelectField'

const VARIANTS: readonly Variant[] = ['semagic', 'baseline', 'semagic-i', 'semagic-ii']
/** Backbones the core knows by name; an absolute .onnx path is sent as typed. */
const BACKBONE_HINTS = ['pretrained', 'handmade']
/** The contract's limits (TrainConfig), so the form offers only what train.start accepts. */
const BOUNDS = {
  steps: { min: 1, max: 100_000 },
  batchSize: { min: 1, max: MAX_BATCH_SIZE },
  hypotheses: { min: 1, max: MAX_HYPOTHESES },
  seed: { min: 0 },
  articulation: { min: 0, max: MAX_ARTICULATION_PARTS },
  appearance: { min: 0, max: MAX_APPEARANCE, integer: false },
  largeSteps: { min: 0, max: MAX_LARGE_STEPS, integer: false },
} satisfies Record<string, NumberBounds>

/**
 * Starts one training run and follows its job. `onStarted` lets the view show the new run at
 * once (status running); `onSettled` lets it refresh the table when the job ends, however it ends.
 */
export function TrainForm({
  datasets,
  onStarted,
  onSettled,
}: {
  datasets: readonly string[]
  onStarted: (runId: string) => void
  onSettled: (job: Job) => void
}): React.JSX.Element {
  const client = useClient()
  const [dataset, setDataset] = useState<string | null>(null)
  const [category, setCategory] = useState<string | null>(null)
  const [variant, setVariant] = useState<Variant>('semagic')
  const [steps, setSteps] = useState(600)
  const [batchSize, setBatchSize] = useState(DEFAULT_BATCH_SIZE)
  const [hypotheses, setHypotheses] = useState(DEFAULT_HYPOTHESES)
  const [seed, setSeed] = useState(0)
  const [articulation, setArticulation] = useState(0)
  const [appearance, setAppearance] = useState(0)
  const [largeSteps, setLargeSteps] = useState(0)
  const [backbone, setBackbone] = useState('pretrained')
  // The workspace's device setting (Health) until the form picks another.
  const setting = useQuery('settings.get', { key: DEVICE_SETTING })
  const [device, setDevice] = useState<DeviceChoice | null>(null)
  const parsedSetting = DeviceChoice.safeParse(setting.data?.value)
  const chosenDevice = device ?? (parsedSetting.success ? parsedSetting.data : DEFAULT_DEVICE)
  const [jobId, setJobId] = useState<string | null>(null)
  const [error, setError] = useState<Error | null>(null)

  const numbersValid = ([[steps, BOUNDS.steps], [batchSize, BOUNDS.batchSize], [hypotheses, BOUNDS.hypotheses], [seed, BOUNDS.seed], [articulation, BOUNDS.articulation], [appearance, BOUNDS.appearance], [largeSteps, BOUNDS.largeSteps]] as const).every(([v, b]) => inBounds(v, b))

  const chosen = dataset ?? datasets[0] ?? ''
  // Categories come from the chosen data set itself, so only trainable names can be picked.
  const summary = useQuery('datasets.get', chosen ? { name: chosen } : null)
  const categories = Object.keys(summary.data?.categories ?? {}).sort()
  const cat = category !== null && categories.includes(category) ? category : (categories[0] ?? '')

  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    setError(null)
    setJobId(null)
    client.call('train.start', { dataset: chosen, category: cat, variant, articulation, appearance, largeSteps, steps, batchSize, hypotheses, seed, backbone: backbone.trim(), device: chosenDevice }).then(
      (r) => {
        setJobId(r.jobId)
        onStarted(r.runId)
      },
      (err: Error) => setError(err),
    )
  }

  return (
    <form className="form wide" onSubmit={submit} aria-label="Start training">
      <h2 className="small-h">Start training</h2>
      <div className="form-row">
        <SelectField label="Data set" name="dataset" value={chosen} options={datasets} onChange={setDataset} required />
        <SelectField label="Category" name="category" value={cat} options={categories} onChange={setCategory} required />
        <SelectField label="Variant" name="variant" value={variant} options={VARIANTS} onChange={setVariant} />
        <NumberField label="Steps" name="steps" value={steps} bounds={BOUNDS.steps} onChange={setSteps} />
        <NumberField label="Batch size" name="batchSize" value={batchSize} bounds={BOUNDS.batchSize} onChange={setBatchSize} title="Training images per step" />
        <NumberField label="Camera hypotheses" name="hypotheses" value={hypotheses} bounds={BOUNDS.hypotheses} onChange={setHypotheses} title="Cameras tried per image, evenly spaced in azimuth" />
        <NumberField label="Seed" name="seed" value={seed} bounds={BOUNDS.seed} onChange={setSeed} />
        <NumberField label="Articulated parts" name="articulation" value={articulation} bounds={BOUNDS.articulation} onChange={setArticulation} title="Parts of the template rotated per image (METHOD §3); 0 trains without articulation" />
        <NumberField label="Appearance weight" name="appearance" value={appearance} bounds={BOUNDS.appearance} onChange={setAppearance} title="Weight of the image's colour in the feature term; 0 trains without it (docs/experiments/appearance-term.md)" />
        <NumberField label="Large steps" name="largeSteps" value={largeSteps} bounds={BOUNDS.largeSteps} onChange={setLargeSteps} title="Lambda of the large-steps update of the canonical shape (smooth steps that can travel far); 0 trains with per-vertex Adam (docs/experiments/large-steps.md)" />
        <label>
          Backbone
          <input value={backbone} onChange={(e) => setBackbone(e.target.value)} list="train-backbones" name="backbone" required spellCheck={false} />
          <BackboneDatalist id="train-backbones" hints={BACKBONE_HINTS} />
        </label>
        <SelectField label="Device" name="device" value={chosenDevice} options={DEVICE_CHOICES} onChange={setDevice} />
        <button type="submit" className="primary" disabled={!chosen || !cat || !backbone.trim() || !numbersValid}>
          Train
        </button>
      </div>
      <p className="muted">For a quick look, use the handmade backbone and a few dozen steps; pretrained features train better but start slower.</p>
      <ErrorAlert error={summary.error} context="categories" />
      <ErrorAlert error={error} context="training" />
      {jobId ? <JobProgress key={jobId} jobId={jobId} onSettled={onSettled} /> : null}
    </form>
  )
}
