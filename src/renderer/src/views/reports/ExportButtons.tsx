import { useState } from 'react'
import { pckPlotSvg } from '../../../../shared/eval/pck-plot-svg'
import type { Measure } from '../../../../shared/eval/report-columns'
import { reportsToCsv, reportsToMarkdown } from '../../../../shared/eval/report-tables'
import type { PckReport } from '../../../../shared/eval/pck-types'
import { downloadBlob, downloadText, svgToPng } from '../../lib/download'
import { ErrorAlert } from '../../shell/ErrorAlert'

/** The exports the CLI writes too (same shared code), so a table in a paper matches the studio. */
export function ExportButtons({
  reports,
  alpha,
  measure,
  stem,
}: {
  reports: readonly PckReport[]
  alpha: string
  measure: Measure
  /** File name without extension. */
  stem: string
}): React.JSX.Element {
  const [error, setError] = useState<Error | null>(null)
  const disabled = reports.length === 0
  const options = { alpha, measure }
  const svg = (): string => pckPlotSvg(reports, { measure })
  const png = (): void => {
    setError(null)
    svgToPng(svg()).then(
      (blob) => downloadBlob(`${stem}.png`, blob),
      (e: Error) => setError(e),
    )
  }
  return (
    <div className="row" role="group" aria-label="Export">
      <span className="muted small">Export</span>
      <button type="button" disabled={disabled} onClick={() => downloadText(`${stem}.csv`, reportsToCsv(reports, options), 'text/csv')}>
        CSV
      </button>
      <button type="button" disabled={disabled} onClick={() => downloadText(`${stem}.md`, reportsToMarkdown(reports, options), 'text/markdown')}>
        Markdown
      </button>
      <button type="button" disabled={disabled} onClick={() => downloadText(`${stem}.svg`, svg(), 'image/svg+xml')}>
        SVG
      </button>
      <button type="button" disabled={disabled} onClick={png}>
        PNG
      </button>
      <ErrorAlert error={error} context="PNG export" />
    </div>
  )
}
