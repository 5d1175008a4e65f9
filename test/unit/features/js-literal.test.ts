import { describe, expect, it } from 'vitest'
import { parseJsLiteral } from '../../../src/main/features/backbones/js-literal'

describe('parseJsLiteral', () => {
  it('reads minified object literals: bare keys, !0/!1, short numbers, nesting', () => {
    const text = 'x=a.exports={name:"c\\"1",n:-.5,e:1e-3,ok:!0,no:!1,z:null,"q k":[1,[2,{d:\'s\'}]],t:true}rest'
    const start = text.indexOf('{')
    const { value, end } = parseJsLiteral(text, start)
    expect(value).toEqual({ name: 'c"1', n: -0.5, e: 0.001, ok: true, no: false, z: null, 'q k': [1, [2, { d: 's' }]], t: true })
    expect(text.slice(end)).toBe('rest')
  })

  it('decodes \\u and \\x escapes', () => {
    expect(parseJsLiteral('"\\u0041\\x42\\n"', 0).value).toBe('AB\n')
  })

  it('refuses code instead of running it', () => {
    expect(() => parseJsLiteral('{a:process.exit(1)}', 0)).toThrow(/not a plain literal\) at offset 3: "process/)
    expect(() => parseJsLiteral('{a:1 b:2}', 0)).toThrow(/expected ',' or '}'/)
    expect(() => parseJsLiteral('{a:require}', 0)).toThrow(/not a plain literal/)
    expect(() => parseJsLiteral('{a:"open', 0)).toThrow(/unterminated string/)
  })
})
