// Child-process entry: runs a built Electron main bundle in Node with `electron` faked.
import Module, { createRequire } from 'node:module'
import electron from './fake-electron.mjs'

const load = Module._load
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest)
}
createRequire(import.meta.url)(process.argv[2])
