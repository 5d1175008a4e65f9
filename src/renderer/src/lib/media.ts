/**
 * Image and mask URL of a data set file. Relative on purpose: the same bundle is served from
 * app://studio/ (Electron) and http://127.0.0.1:<port>/ (semagic serve), and both serve /media/.
 * Each path segment is encoded so that names with spaces, '#' or '?' still reach the file.
 */
export function mediaUrl(dataset: string, file: string): string {
  return `./media/${encodeURIComponent(dataset)}/${file.split('/').map(encodeURIComponent).join('/')}`
}
