/** A service error, shown with its message: never swallowed, never a bare "something went wrong". */
export function ErrorAlert({
  error,
  context,
  onDismiss,
}: {
  error: Error | string | null | undefined
  context?: string
  onDismiss?: () => void
}): React.JSX.Element | null {
  if (!error) return null
  const message = typeof error === 'string' ? error : error.message
  return (
    <div className="alert" role="alert">
      <span>
        {context ? <strong>{context}: </strong> : null}
        {message}
      </span>
      {onDismiss ? (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  )
}
