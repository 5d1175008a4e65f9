import { useState } from 'react'
import type { CuratedImage } from '../../../../shared/ipc/channels/curation'
import { Tag } from '../../../../shared/ipc/channels/curation'

/** Exclude, tags and note of one image; each change is one undoable gesture. */
export function ImageCurationPanel({
  image,
  onExclude,
  onTags,
  onNote,
}: {
  image: CuratedImage
  onExclude: (excluded: boolean) => void
  onTags: (tags: string[]) => void
  onNote: (note: string) => void
}): React.JSX.Element {
  const [tagDraft, setTagDraft] = useState('')
  const [tagError, setTagError] = useState<string | null>(null)
  // A draft belongs to the note it was started on: a new image or a saved note replaces it.
  const basis = `${image.original.category}/${image.original.stem}\u0000${image.note}`
  const [draft, setDraft] = useState<{ basis: string; text: string } | null>(null)
  const note = draft && draft.basis === basis ? draft.text : image.note

  const addTag = (e: React.FormEvent): void => {
    e.preventDefault()
    const t = tagDraft.trim()
    if (!t) return
    const parsed = Tag.safeParse(t)
    if (!parsed.success) {
      setTagError(parsed.error.issues[0]?.message ?? 'not a valid tag')
      return
    }
    setTagError(null)
    setTagDraft('')
    if (!image.tags.includes(t)) onTags([...image.tags, t])
  }

  return (
    <section aria-label="Image curation" className="side-section">
      <h3>Image</h3>
      <label className="check">
        <input type="checkbox" checked={image.excluded} onChange={(e) => onExclude(e.target.checked)} />
        Excluded from exports and evaluation (X)
      </label>
      <div className="tags" aria-label="Tags">
        {image.tags.map((t) => (
          <span key={t} className="tag">
            {t}
            <button type="button" className="link" aria-label={`remove tag ${t}`} onClick={() => onTags(image.tags.filter((x) => x !== t))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <form className="row" onSubmit={addTag}>
        <input value={tagDraft} onChange={(e) => setTagDraft(e.target.value)} placeholder="add a tag" aria-label="New tag" size={14} />
        <button type="submit" disabled={!tagDraft.trim()}>
          Tag
        </button>
      </form>
      {tagError ? (
        <p className="alert" role="alert">
          {tagError}
        </p>
      ) : null}
      <label className="stacked">
        Note
        <textarea rows={3} value={note} onChange={(e) => setDraft({ basis, text: e.target.value })} aria-label="Note" />
      </label>
      <div className="row">
        <button type="button" disabled={note === image.note} onClick={() => onNote(note)}>
          Save note
        </button>
        <button type="button" disabled={note === image.note} onClick={() => setDraft(null)}>
          Discard
        </button>
      </div>
    </section>
  )
}
