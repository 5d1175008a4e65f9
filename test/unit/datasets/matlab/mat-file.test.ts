import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { MatFileError, readMatFile } from '../../../../src/main/datasets/matlab/mat-file'
import type { MatValue } from '../../../../src/main/datasets/matlab/mat-file'
import { numericMatrix } from '../../../../src/main/datasets/matlab/mat-values'
import { writeMatFile } from '../../../helpers/mat-writer'

const KPS = [
  [10.5, 20.25],
  [NaN, NaN],
  [300, 4],
]

function rows(vars: Map<string, MatValue>, name: string): number[][] {
  const m = numericMatrix(vars, name, 'x.mat')
  return Array.from({ length: m.rows }, (_, r) => Array.from({ length: m.cols }, (_, c) => m.at(r, c)))
}

describe('MAT-file Level 5 reader', () => {
  for (const opts of [{}, { compress: true }, { bigEndian: true }, { compress: true, bigEndian: true }]) {
    it(`reads doubles with NaN, singles, uint8, int32, logical, char, cell and struct (${JSON.stringify(opts)})`, () => {
      const bytes = writeMatFile(
        {
          kps: { double: KPS },
          bbox: { double: [[1, 2, 30, 40]] },
          s: { single: [[0.5, -1.5]] },
          u: { uint8: [[0, 255]] },
          i: { int32: [[-7], [70000]] },
          vis: { logical: [[1, 0, 1]] },
          class: { char: 'car(G)' },
          c: { cell: [{ char: 'a' }, { double: [[3]] }] },
          anno: { struct: { kps: { double: [[1, 2]] }, name: { char: 'bird' } } },
        },
        opts,
      )
      const vars = readMatFile(bytes, 'x.mat')
      expect(rows(vars, 'kps')).toEqual(KPS)
      expect(rows(vars, 'bbox')).toEqual([[1, 2, 30, 40]])
      expect(rows(vars, 's')).toEqual([[0.5, -1.5]])
      expect(rows(vars, 'u')).toEqual([[0, 255]])
      expect(rows(vars, 'i')).toEqual([[-7], [70000]])
      expect(vars.get('vis')).toMatchObject({ kind: 'numeric', logical: true, class: 'uint8' })
      expect(vars.get('class')).toEqual({ kind: 'char', dims: [1, 6], text: 'car(G)' })
      const c = vars.get('c')
      expect(c?.kind === 'cell' && c.cells.map((x) => x.kind)).toEqual(['char', 'numeric'])
      const s = vars.get('anno')
      expect(s?.kind === 'struct' && s.fields).toEqual(['kps', 'name'])
      expect(s?.kind === 'struct' && s.elements[0]!.name).toEqual({ kind: 'char', dims: [1, 4], text: 'bird' })
    })
  }

  it('reads doubles that MATLAB stored as a smaller integer type (as `save` does for integral values)', () => {
    const vars = readMatFile(writeMatFile({ bbox: { double: [[1, 2, 300, 400]] } }, { storeDoublesAs: 'int16' }), 'x.mat')
    expect(vars.get('bbox')).toMatchObject({ class: 'double' })
    expect(rows(vars, 'bbox')).toEqual([[1, 2, 300, 400]])
    // Two values of one byte: a small data element (packed tag) inside the matrix.
    expect(rows(readMatFile(writeMatFile({ k: { double: [[7, 9]] } }, { storeDoublesAs: 'uint8' }), 'x.mat'), 'k')).toEqual([[7, 9]])
  })

  it('reads the documented example element byte for byte (MAT-File Format, Figure 1-8: arr = cat(3, [1 2 3; 4 5 6], [7 8 9; 10 11 12]))', () => {
    // Written from the figure, not by the test writer: a 72-byte miMATRIX; array flags with
    // mxDOUBLE_CLASS; dimensions 2 3 2 (12 bytes + padding); the name "arr" as a small data
    // element; the doubles stored as 12 miUINT8 values (column-major) + padding.
    const u32 = (...xs: number[]): Buffer => Buffer.concat(xs.map((x) => Buffer.from(new Uint32Array([x]).buffer)))
    const element = Buffer.concat([
      u32(14, 72),
      u32(6, 8, 6, 0), // miUINT32, 8 bytes: flags/class word (mxDOUBLE_CLASS = 6), undefined
      u32(5, 12, 2, 3, 2, 0), // miINT32, 12 bytes: 2 3 2, padding
      u32((3 << 16) | 1), Buffer.from('arr\0', 'latin1'), // small element: 3 bytes of miINT8
      u32(2, 12), Buffer.from([1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12, 0, 0, 0, 0]), // miUINT8 pr + padding
    ])
    expect(element.length).toBe(8 + 72)
    const header = Buffer.alloc(128, 0x20)
    header.write('MATLAB 5.0 MAT-file, Platform: PCWIN, Created on: Thu Feb 10 00:00:00 2005', 0, 'latin1')
    header.writeUInt16LE(0x0100, 124)
    header.write('IM', 126, 'latin1')
    const arr = readMatFile(Buffer.concat([header, element]), 'figure-1-8.mat').get('arr')
    expect(arr).toMatchObject({ kind: 'numeric', class: 'double', dims: [2, 3, 2], im: null })
    expect(arr?.kind === 'numeric' && [...arr.re]).toEqual([1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12])
    // The same element compressed, as MATLAB 7 writes it (miCOMPRESSED, zlib stream, no padding).
    const z = deflateSync(element)
    const compressed = Buffer.concat([header, u32(15, z.length), z])
    expect(readMatFile(compressed, 'figure-1-8z.mat').get('arr')).toEqual(arr)
  })

  it('reads the header bytes as the format document lays them out', () => {
    const bytes = writeMatFile({ a: { double: [[1]] } })
    expect(bytes.subarray(0, 19).toString('latin1')).toBe('MATLAB 5.0 MAT-file')
    expect(bytes.readUInt16LE(124)).toBe(0x0100)
    expect(bytes.subarray(126, 128).toString('latin1')).toBe('IM')
    expect(bytes.readUInt32LE(128)).toBe(14) // miMATRIX
    expect(bytes.readUInt32LE(128 + 4)).toBe(bytes.length - 136) // its size: everything after the tag
  })

  const errorOf = (bytes: Buffer): MatFileError => {
    try {
      readMatFile(bytes, 'Annotations/car/a.mat')
    } catch (error) {
      expect(error).toBeInstanceOf(MatFileError)
      return error as MatFileError
    }
    throw new Error('expected a MatFileError')
  }

  it('names the file and the field of what it cannot read', () => {
    expect(errorOf(Buffer.from('short')).field).toBe('(header)')
    expect(errorOf(Buffer.concat([Buffer.from('MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .'.padEnd(512)), Buffer.from([0x89, 0x48, 0x44, 0x46])])).message).toMatch(/v7\.3 \(HDF5\)/)
    const good = writeMatFile({ kps: { double: KPS } })
    const bad = Buffer.from(good)
    bad.write('XX', 126, 'latin1')
    expect(errorOf(bad).message).toMatch(/^Annotations\/car\/a\.mat: \(header\): endian indicator/)
    expect(errorOf(good.subarray(0, good.length - 5)).message).toMatch(/claims \d+ bytes/)
    const sparse = Buffer.from(good)
    sparse.writeUInt32LE(5, 128 + 8 + 8) // array class byte -> mxSPARSE_CLASS
    const e = errorOf(sparse)
    expect([e.file, e.field, e.message]).toEqual(['Annotations/car/a.mat', 'kps', 'Annotations/car/a.mat: kps: sparse arrays are not supported'])
    expect(() => numericMatrix(readMatFile(good, 'a.mat'), 'bbox', 'a.mat')).toThrow('a.mat: bbox: missing (the file has kps)')
    expect(() => numericMatrix(readMatFile(writeMatFile({ bbox: { char: 'x' } }), 'a.mat'), 'bbox', 'a.mat')).toThrow(/bbox: expected a numeric matrix, got a char array/)
  })

  it('damaged files (property-based): a MatFileError naming the file, or variables, never another exception', () => {
    const CASES = 800
    let s = 21
    const r = (): number => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
    const sources = [
      writeMatFile({ kps: { double: KPS }, bbox: { double: [[1, 2, 3, 4]] }, c: { cell: [{ char: 'x' }] } }),
      writeMatFile({ kps: { double: KPS }, anno: { struct: { a: { single: [[1]] } } } }, { compress: true }),
    ]
    let refused = 0
    for (let i = 0; i < CASES; i++) {
      const bytes = Buffer.from(sources[i % 2]!)
      const mode = Math.floor(r() * 3)
      let input: Buffer = bytes
      if (mode === 0) input = bytes.subarray(0, Math.floor(r() * bytes.length))
      else for (let k = 0; k < 1 + Math.floor(r() * 6); k++) bytes[128 + Math.floor(r() * (bytes.length - 128))] = mode === 1 ? Math.floor(r() * 256) : 0xff
      try {
        readMatFile(input, 'f.mat')
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(MatFileError)
        expect((error as MatFileError).file).toBe('f.mat')
        refused++
      }
    }
    expect(refused).toBeGreaterThan(0)
    process.stdout.write(`fuzz: ${CASES} damaged MAT-files (${refused} refused)\n`)
  })
})
