export type LiteralValue = string | number | boolean | null | LiteralValue[] | { [key: string]: LiteralValue }

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y
const IDENTIFIER = /[A-Za-z_$][\w$]*/y
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' }

/**
 * Reads one JavaScript literal (objects, arrays, strings, numbers, true/false/null and the
 * minifier's !0/!1) starting at `start`, without evaluating anything: model bundles are data
 * wrapped in code, and only the data is wanted. Throws on anything else, e.g. a call.
 */
export function parseJsLiteral(text: string, start: number): { value: LiteralValue; end: number } {
  let i = start
  const fail = (what: string, at = i): never => {
    throw new Error(`${what} at offset ${at}: ${JSON.stringify(text.slice(at, at + 40))}`)
  }
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++
  }
  const string = (): string => {
    const quote = text[i++]
    let out = ''
    while (i < text.length && text[i] !== quote) {
      const ch = text[i++]!
      if (ch !== '\\') {
        out += ch
        continue
      }
      const esc = text[i++] ?? fail('unterminated escape')
      if (esc === 'u') {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16))
        i += 4
      } else if (esc === 'x') {
        out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16))
        i += 2
      } else {
        out += ESCAPES[esc] ?? esc
      }
    }
    if (i >= text.length) fail('unterminated string')
    i++
    return out
  }
  const match = (re: RegExp): string | null => {
    re.lastIndex = i
    const m = re.exec(text)
    if (!m) return null
    i += m[0].length
    return m[0]
  }
  const value = (): LiteralValue => {
    skipSpace()
    const ch = text[i]
    if (ch === '{') {
      i++
      const obj: { [key: string]: LiteralValue } = {}
      skipSpace()
      while (text[i] !== '}') {
        skipSpace()
        const key = text[i] === '"' || text[i] === "'" ? string() : (match(IDENTIFIER) ?? match(NUMBER) ?? fail('expected a key'))
        skipSpace()
        if (text[i++] !== ':') fail("expected ':'")
        obj[key] = value()
        skipSpace()
        if (text[i] === ',') i++
        else if (text[i] !== '}') fail("expected ',' or '}'")
        skipSpace()
      }
      i++
      return obj
    }
    if (ch === '[') {
      i++
      const arr: LiteralValue[] = []
      skipSpace()
      while (text[i] !== ']') {
        arr.push(value())
        skipSpace()
        if (text[i] === ',') i++
        else if (text[i] !== ']') fail("expected ',' or ']'")
        skipSpace()
      }
      i++
      return arr
    }
    if (ch === '"' || ch === "'") return string()
    if (ch === '!' && (text[i + 1] === '0' || text[i + 1] === '1')) {
      i += 2
      return text[i - 1] === '0'
    }
    const num = match(NUMBER)
    if (num !== null) return Number(num)
    const at = i
    const word = match(IDENTIFIER)
    if (word === 'true') return true
    if (word === 'false') return false
    if (word === 'null') return null
    return fail('unsupported syntax (not a plain literal)', at)
  }
  const result = value()
  return { value: result, end: i }
}
