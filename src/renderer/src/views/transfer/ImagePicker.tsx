import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import type { ImageKey } from './transfer-route'

/** The first images of a category are enough to choose from by hand; the Data sets view browses all. */
const LIMIT = 1000

function ImageSelect({
  dataset,
  label,
  categories,
  value,
  onChange,
}: {
  dataset: string
  label: string
  categories: readonly string[]
  value: ImageKey | null
  onChange: (v: ImageKey | null) => void
}): React.JSX.Element {
  const category = value?.category ?? categories[0] ?? null
  const images = useQuery('datasets.images', category ? { name: dataset, category, limit: LIMIT } : null)
  return (
    <fieldset className="image-pick">
      <legend>{label}</legend>
      <label className="field">
        Category
        <select
          aria-label={`${label} category`}
          value={category ?? ''}
          onChange={(e) => onChange(e.target.value ? { category: e.target.value, stem: '' } : null)}
        >
          {categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="field">
        Image
        <select
          aria-label={`${label} image`}
          value={value?.stem ?? ''}
          onChange={(e) => category && onChange(e.target.value ? { category, stem: e.target.value } : null)}
        >
          <option value="">—</option>
          {images.data?.items.map((i) => (
            <option key={i.stem} value={i.stem}>
              {i.stem} ({i.keypointCount} kps)
            </option>
          ))}
        </select>
      </label>
      <ErrorAlert error={images.error} context={`${label} images`} />
    </fieldset>
  )
}

/** Any two images of the data set, of one category or two: ground truth where both carry a keypoint id. */
export function ImagePicker({
  dataset,
  source,
  target,
  onChange,
}: {
  dataset: string
  source: ImageKey | null
  target: ImageKey | null
  onChange: (source: ImageKey | null, target: ImageKey | null) => void
}): React.JSX.Element {
  const ds = useQuery('datasets.get', { name: dataset })
  const categories = Object.keys(ds.data?.categories ?? {}).sort()
  return (
    <section className="panel transfer-pairs" aria-label="Image picker">
      <ErrorAlert error={ds.error} context={dataset} />
      <ImageSelect dataset={dataset} label="Source" categories={categories} value={source} onChange={(v) => onChange(v, target)} />
      <ImageSelect dataset={dataset} label="Target" categories={categories} value={target} onChange={(v) => onChange(source, v)} />
      <button type="button" disabled={!source?.stem || !target?.stem} onClick={() => onChange(target, source)}>
        Swap source and target
      </button>
    </section>
  )
}
