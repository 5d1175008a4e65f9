import { deflateSync } from 'node:zlib'

/**
 * Writes MATLAB Level 5 MAT-files for tests, from the format document alone (so the reader is
 * checked against the spec, not against itself): a 128-byte header, then one miMATRIX element per
 * variable, optionally wrapped in miCOMPRESSED. Little-endian unless `bigEndian`.
 */
export type MatInput =
  | { double: number[][] }
  | { single: number[][] }
  | { uint8: number[][] }
  | { int32: number[][] }
  | { logical: number[][] }
  | { char: string }
  | { cell: MatInput[] }
  | { struct: Record<string, MatInput> }

export interface MatWriteOptions {
  compress?: boolean
  bigEndian?: boolean
  /** Numbers stored with this smaller type (MATLAB does this for integral doubles). */
  storeDoublesAs?: 'uint8' | 'int16' | 'double'
}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, MATRIX: 14, COMPRESSED: 15 }
const CLASS = { cell: 1, struct: 2, char: 4, double: 6, single: 7, uint8: 9, int32: 12 }

class Out {
  private chunks: Buffer[] = []
  constructor(readonly big: boolean) {}
  u32(v: number): Buffer {
    const b = Buffer.alloc(4)
    if (this.big) b.writeUInt32BE(v)
    else b.writeUInt32LE(v)
    return b
  }
  /** A data element: tag, data, padding to 8 bytes; small elements (<= 4 bytes) in the packed form. */
  element(type: number, data: Buffer, allowSmall = true): Buffer {
    if (allowSmall && data.length <= 4 && data.length > 0) {
      const tag = this.u32(((data.length << 16) | type) >>> 0)
      return Buffer.concat([tag, data, Buffer.alloc(4 - data.length)])
    }
    const pad = (8 - (data.length % 8)) % 8
    return Buffer.concat([this.u32(type), this.u32(data.length), data, Buffer.alloc(pad)])
  }
  values(type: number, xs: number[]): Buffer {
    const size = { [MI.INT8]: 1, [MI.UINT8]: 1, [MI.INT16]: 2, [MI.UINT16]: 2, [MI.INT32]: 4, [MI.UINT32]: 4, [MI.SINGLE]: 4, [MI.DOUBLE]: 8 }[type]!
    const b = Buffer.alloc(xs.length * size)
    xs.forEach((x, i) => {
      const o = i * size
      const be = this.big
      if (type === MI.UINT8) b.writeUInt8(x, o)
      else if (type === MI.INT8) b.writeInt8(x, o)
      else if (type === MI.INT16) void (be ? b.writeInt16BE(x, o) : b.writeInt16LE(x, o))
      else if (type === MI.UINT16) void (be ? b.writeUInt16BE(x, o) : b.writeUInt16LE(x, o))
      else if (type === MI.INT32) void (be ? b.writeInt32BE(x, o) : b.writeInt32LE(x, o))
      else if (type === MI.UINT32) void (be ? b.writeUInt32BE(x, o) : b.writeUInt32LE(x, o))
      else if (type === MI.SINGLE) void (be ? b.writeFloatBE(x, o) : b.writeFloatLE(x, o))
      else void (be ? b.writeDoubleBE(x, o) : b.writeDoubleLE(x, o))
    })
    return b
  }
  push(b: Buffer): void {
    this.chunks.push(b)
  }
  done(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

const colMajor = (m: number[][]): number[] => {
  const rows = m.length
  const cols = rows ? m[0]!.length : 0
  const out: number[] = []
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(m[r]![c]!)
  return out
}
const dimsOf = (m: number[][]): number[] => [m.length, m.length ? m[0]!.length : 0]

function matrix(o: Out, name: string, v: MatInput, opts: MatWriteOptions): Buffer {
  let klass: number
  let flags = 0
  let dims: number[]
  const body: Buffer[] = []
  if ('double' in v || 'single' in v || 'uint8' in v || 'int32' in v || 'logical' in v) {
    const [key, m] = Object.entries(v)[0] as [string, number[][]]
    dims = dimsOf(m)
    const xs = colMajor(m)
    if (key === 'logical') {
      klass = CLASS.uint8
      flags = 0x0200
      body.push(o.element(MI.UINT8, o.values(MI.UINT8, xs)))
    } else if (key === 'double') {
      klass = CLASS.double
      const as = opts.storeDoublesAs ?? 'double'
      const type = as === 'uint8' ? MI.UINT8 : as === 'int16' ? MI.INT16 : MI.DOUBLE
      body.push(o.element(type, o.values(type, xs)))
    } else if (key === 'single') {
      klass = CLASS.single
      body.push(o.element(MI.SINGLE, o.values(MI.SINGLE, xs)))
    } else if (key === 'int32') {
      klass = CLASS.int32
      body.push(o.element(MI.INT32, o.values(MI.INT32, xs)))
    } else {
      klass = CLASS.uint8
      body.push(o.element(MI.UINT8, o.values(MI.UINT8, xs)))
    }
  } else if ('char' in v) {
    klass = CLASS.char
    dims = [1, v.char.length]
    body.push(o.element(MI.UINT16, o.values(MI.UINT16, [...v.char].map((c) => c.charCodeAt(0)))))
  } else if ('cell' in v) {
    klass = CLASS.cell
    dims = [1, v.cell.length]
    for (const c of v.cell) body.push(matrix(o, '', c, opts))
  } else {
    klass = CLASS.struct
    dims = [1, 1]
    const fields = Object.keys(v.struct)
    const len = 32
    body.push(o.element(MI.INT32, o.values(MI.INT32, [len])))
    const names = Buffer.alloc(fields.length * len)
    fields.forEach((f, i) => names.write(f, i * len, 'latin1'))
    body.push(o.element(MI.INT8, names))
    for (const f of fields) body.push(matrix(o, '', v.struct[f]!, opts))
  }
  const flagsEl = o.element(MI.UINT32, Buffer.concat([o.u32((flags | klass) >>> 0), o.u32(0)]))
  const dimsEl = o.element(MI.INT32, o.values(MI.INT32, dims))
  // An empty name is an 8-byte tag with no data, as MATLAB writes it for cell and field contents.
  const nameEl = name === '' ? Buffer.concat([o.u32(MI.INT8), o.u32(0)]) : o.element(MI.INT8, Buffer.from(name, 'latin1'))
  return o.element(MI.MATRIX, Buffer.concat([flagsEl, dimsEl, nameEl, ...body]), false)
}

export function writeMatFile(vars: Record<string, MatInput>, opts: MatWriteOptions = {}): Buffer {
  const o = new Out(opts.bigEndian === true)
  const header = Buffer.alloc(128, 0x20)
  header.write('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Sun Dec  6 00:00:00 2026', 0, 'latin1')
  header.fill(0, 116, 124)
  if (opts.bigEndian) {
    header.writeUInt16BE(0x0100, 124)
    header.write('MI', 126, 'latin1')
  } else {
    header.writeUInt16LE(0x0100, 124)
    header.write('IM', 126, 'latin1')
  }
  o.push(header)
  for (const [name, v] of Object.entries(vars)) {
    const el = matrix(o, name, v, opts)
    if (opts.compress) {
      const z = deflateSync(el)
      o.push(Buffer.concat([o.u32(MI.COMPRESSED), o.u32(z.length), z]))
    } else o.push(el)
  }
  return o.done()
}
