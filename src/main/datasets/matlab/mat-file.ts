import { inflateSync } from 'node:zlib'

/**
 * A reader for MATLAB Level 5 MAT-files (MathWorks, "MAT-File Format", the v5/v6/v7 layout that
 * `save` writes by default up to v7.3, which is HDF5 and refused here). It reads what keypoint
 * annotations hold: numeric matrices of every class (converted to float64), logical arrays,
 * character arrays, cells and structs, each variable optionally miCOMPRESSED (zlib). Sparse
 * matrices, objects and function handles are refused with an error naming the variable.
 * Written here because the one npm reader found (mat-for-js) is GPL-3.0 and this project is MIT.
 */

export type MatClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'

export interface MatNumeric {
  kind: 'numeric'
  class: MatClass
  logical: boolean
  /** MATLAB dimensions, at least two (a scalar is [1, 1]). */
  dims: number[]
  /** Real part, column-major, as float64 (int64 beyond 2^53 loses precision). */
  re: Float64Array
  im: Float64Array | null
}
export interface MatChar {
  kind: 'char'
  dims: number[]
  /** Column-major characters joined; for a 1xN row this is the string. */
  text: string
}
export interface MatCell {
  kind: 'cell'
  dims: number[]
  cells: MatValue[]
}
export interface MatStruct {
  kind: 'struct'
  dims: number[]
  fields: string[]
  /** One record per element, column-major. */
  elements: Record<string, MatValue>[]
}
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct

/** A MAT-file that cannot be read; `field` is the variable (and path inside it) or `(header)`. */
export class MatFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    /** The message without the file and field. */
    readonly detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`)
    this.name = 'MatFileError'
  }
}

// Data types of the element tags (Table 1-1 of the format document).
const MI = {
  INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9,
  INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18,
} as const
const ELEMENT_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 }

// Array classes of the array-flags subelement (Table 1-3).
const CLASS_NAMES: Record<number, MatClass | 'cell' | 'struct' | 'object' | 'char' | 'sparse'> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single',
  8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
}
const FLAG_COMPLEX = 0x0800
const FLAG_LOGICAL = 0x0200

/** Guards against a hostile file asking for gigabytes: no annotation holds more. */
const MAX_ELEMENTS = 50_000_000
const MAX_DEPTH = 32

interface Element {
  type: number
  data: Buffer
}

class Reader {
  pos = 0
  constructor(
    readonly buf: Buffer,
    readonly little: boolean,
    readonly fail: (message: string) => never,
  ) {}

  u32(at: number): number {
    return this.little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at)
  }

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  /** The next data element: tag (normal or small-element form) and its bytes; moves past its padding. */
  next(): Element {
    const { buf } = this
    if (this.pos + 8 > buf.length) this.fail(`truncated element tag at byte ${this.pos}`)
    const first = this.u32(this.pos)
    const small = first >>> 16
    if (small !== 0) {
      // Small data element: type in the low half, byte count in the high half, data in the next 4 bytes.
      const type = first & 0xffff
      if (small > 4) this.fail(`small element at byte ${this.pos} claims ${small} bytes (at most 4)`)
      const data = buf.subarray(this.pos + 4, this.pos + 4 + small)
      this.pos += 8
      return { type, data }
    }
    const type = first
    const size = this.u32(this.pos + 4)
    const start = this.pos + 8
    if (size > buf.length - start) this.fail(`element at byte ${this.pos} claims ${size} bytes, ${buf.length - start} are left`)
    // Every element is padded to 8 bytes, except that compressed ones are written back to back.
    this.pos = type === MI.COMPRESSED ? start + size : start + size + ((8 - (size % 8)) % 8)
    return { type, data: buf.subarray(start, start + size) }
  }
}

/** Reads every variable of a MAT-file; `file` names it in errors. Throws MatFileError. */
export function readMatFile(bytes: Buffer, file: string): Map<string, MatValue> {
  const header = (message: string): never => {
    throw new MatFileError(file, '(header)', message)
  }
  if (bytes.length < 128) header(`${bytes.length} bytes: shorter than the 128-byte MAT-file header`)
  const text = bytes.subarray(0, 116).toString('latin1')
  if (text.startsWith('MATLAB 7.3') || bytes.subarray(512, 516).toString('latin1') === '\x89HDF') {
    header('a MATLAB v7.3 (HDF5) file; save it with -v7 or -v6 to read it here')
  }
  if (!text.startsWith('MATLAB 5.0 MAT-file')) header(`not a MATLAB 5.0 MAT-file (starts with ${JSON.stringify(text.slice(0, 24))})`)
  const endian = bytes.subarray(126, 128).toString('latin1')
  if (endian !== 'IM' && endian !== 'MI') header(`endian indicator is ${JSON.stringify(endian)}, expected "IM" or "MI"`)
  const little = endian === 'IM'
  const version = little ? bytes.readUInt16LE(124) : bytes.readUInt16BE(124)
  if (version !== 0x0100) header(`version 0x${version.toString(16)}, expected 0x0100`)

  const vars = new Map<string, MatValue>()
  const top = new Reader(bytes.subarray(128), little, (m) => header(m))
  let index = 0
  while (!top.done) {
    let element = top.next()
    let where = `variable ${index + 1}`
    if (element.type === MI.COMPRESSED) {
      let inflated: Buffer
      try {
        inflated = inflateSync(element.data, { maxOutputLength: MAX_ELEMENTS * 8 })
      } catch (error) {
        throw new MatFileError(file, where, `compressed data cannot be inflated: ${(error as Error).message}`)
      }
      element = new Reader(inflated, little, (m) => {
        throw new MatFileError(file, where, m)
      }).next()
    }
    index++
    if (element.type !== MI.MATRIX) continue // other top-level elements carry no variable
    const fail = (field: string, message: string): never => {
      throw new MatFileError(file, field, message)
    }
    const { name, value } = readMatrix(element.data, little, (m) => fail(where, m), fail, where, 0)
    where = name
    if (name === '') fail(`variable ${index}`, 'has no name')
    vars.set(name, value)
  }
  return vars
}

type Fail = (field: string, message: string) => never

function numbers(el: Element, little: boolean, fail: (m: string) => never): Float64Array {
  const size = ELEMENT_SIZE[el.type]
  if (size === undefined || el.type === MI.UTF8 || el.type === MI.UTF16 || el.type === MI.UTF32) fail(`expected numeric data, got element type ${el.type}`)
  const n = Math.floor(el.data.length / size!)
  if (n * size! !== el.data.length) fail(`${el.data.length} bytes is not a whole number of ${size}-byte values`)
  if (n > MAX_ELEMENTS) fail(`${n} values is more than this reader accepts`)
  const out = new Float64Array(n)
  const d = el.data
  for (let i = 0; i < n; i++) {
    const o = i * size!
    switch (el.type) {
      case MI.INT8: out[i] = d.readInt8(o); break
      case MI.UINT8: out[i] = d[o]!; break
      case MI.INT16: out[i] = little ? d.readInt16LE(o) : d.readInt16BE(o); break
      case MI.UINT16: out[i] = little ? d.readUInt16LE(o) : d.readUInt16BE(o); break
      case MI.INT32: out[i] = little ? d.readInt32LE(o) : d.readInt32BE(o); break
      case MI.UINT32: out[i] = little ? d.readUInt32LE(o) : d.readUInt32BE(o); break
      case MI.SINGLE: out[i] = little ? d.readFloatLE(o) : d.readFloatBE(o); break
      case MI.DOUBLE: out[i] = little ? d.readDoubleLE(o) : d.readDoubleBE(o); break
      case MI.INT64: out[i] = Number(little ? d.readBigInt64LE(o) : d.readBigInt64BE(o)); break
      default: out[i] = Number(little ? d.readBigUInt64LE(o) : d.readBigUInt64BE(o))
    }
  }
  return out
}

function characters(el: Element, little: boolean, fail: (m: string) => never): string {
  if (el.type === MI.UTF8) return el.data.toString('utf8')
  if (el.type === MI.UTF16 || el.type === MI.UINT16) {
    const swapped = little ? el.data : Buffer.from(el.data).swap16()
    return swapped.toString('utf16le')
  }
  return String.fromCodePoint(...numbers(el, little, fail).map((c) => (Number.isInteger(c) && c >= 0 && c <= 0x10ffff ? c : 0xfffd)))
}

/** One miMATRIX element's contents: flags, dimensions, name, then the class's own subelements. */
function readMatrix(
  data: Buffer,
  little: boolean,
  here: (m: string) => never,
  fail: Fail,
  path: string,
  depth: number,
): { name: string; value: MatValue } {
  if (depth > MAX_DEPTH) here(`nested more than ${MAX_DEPTH} levels deep`)
  if (data.length === 0) return { name: '', value: { kind: 'numeric', class: 'double', logical: false, dims: [0, 0], re: new Float64Array(0), im: null } }
  const r = new Reader(data, little, here)
  const flagsEl = r.next()
  if (flagsEl.type !== MI.UINT32 || flagsEl.data.length < 8) here('array flags subelement is missing or short')
  const flags = little ? flagsEl.data.readUInt32LE(0) : flagsEl.data.readUInt32BE(0)
  const klass = CLASS_NAMES[flags & 0xff]
  if (klass === undefined) here(`unknown array class ${flags & 0xff}`)
  const dimsEl = r.next()
  const dims = [...numbers(dimsEl, little, here)]
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) here(`bad dimensions ${JSON.stringify(dims)}`)
  const count = dims.reduce((a, b) => a * b, 1)
  if (count > MAX_ELEMENTS) here(`${dims.join('x')} is more elements than this reader accepts`)
  const nameEl = r.next()
  const name = nameEl.data.toString('latin1')
  const at = depth === 0 ? name || path : path
  const failHere = (m: string): never => fail(at, m)

  if (klass === 'sparse' || klass === 'object') return failHere(`${klass} arrays are not supported`)
  if (klass === 'char') {
    const text = r.done ? '' : characters(r.next(), little, failHere)
    return { name, value: { kind: 'char', dims, text } }
  }
  if (klass === 'cell') {
    const cells: MatValue[] = []
    for (let i = 0; i < count; i++) {
      const el = r.next()
      if (el.type !== MI.MATRIX) failHere(`cell ${i + 1} is element type ${el.type}, expected a matrix`)
      cells.push(readMatrix(el.data, little, failHere, fail, `${at}{${i + 1}}`, depth + 1).value)
    }
    return { name, value: { kind: 'cell', dims, cells } }
  }
  if (klass === 'struct') {
    const lenEl = r.next()
    const fieldLength = numbers(lenEl, little, failHere)[0]
    if (fieldLength === undefined || !Number.isInteger(fieldLength) || fieldLength < 1 || fieldLength > 4096) failHere('bad field name length')
    const namesEl = r.next()
    const fields: string[] = []
    for (let o = 0; o + fieldLength! <= namesEl.data.length; o += fieldLength!) {
      const raw = namesEl.data.subarray(o, o + fieldLength!)
      const end = raw.indexOf(0)
      fields.push(raw.subarray(0, end < 0 ? raw.length : end).toString('latin1'))
    }
    const elements: Record<string, MatValue>[] = []
    for (let i = 0; i < count; i++) {
      const record: Record<string, MatValue> = {}
      for (const f of fields) {
        const el = r.next()
        const sub = count === 1 ? `${at}.${f}` : `${at}(${i + 1}).${f}`
        if (el.type !== MI.MATRIX) fail(sub, `is element type ${el.type}, expected a matrix`)
        record[f] = readMatrix(el.data, little, (m) => fail(sub, m), fail, sub, depth + 1).value
      }
      elements.push(record)
    }
    return { name, value: { kind: 'struct', dims, fields, elements } }
  }
  const re = r.done && count === 0 ? new Float64Array(0) : numbers(r.next(), little, failHere)
  if (re.length !== count) failHere(`holds ${re.length} values for dimensions ${dims.join('x')}`)
  let im: Float64Array | null = null
  if (flags & FLAG_COMPLEX) {
    im = numbers(r.next(), little, failHere)
    if (im.length !== count) failHere(`imaginary part holds ${im.length} values for dimensions ${dims.join('x')}`)
  }
  return { name, value: { kind: 'numeric', class: klass, logical: (flags & FLAG_LOGICAL) !== 0, dims, re, im } }
}
