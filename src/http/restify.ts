/**
 * restify, loaded without Node's DEP0111 warning. restify → spdy → http-deceiver calls
 * process.binding('http_parser') when it loads, and Node warns about that on every start (twice).
 * Only that warning is dropped, and only while restify loads; every other warning passes through.
 * Imported by server.ts alone.
 */
import type * as Restify from 'restify';

type EmitWarning = typeof process.emitWarning;

/** Node's call: emitWarning(message, 'DeprecationWarning', 'DEP0111') (or an options object, or an Error). */
function isHttpParserBinding(warning: string | Error, args: unknown[]): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const [typeOrOptions, code] = args;
  const given =
    typeof warning !== 'string'
      ? (warning as { code?: unknown }).code
      : typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as { code?: unknown }).code
        : code;
  return given === 'DEP0111' && message.includes("process.binding('http_parser')");
}

function loadRestify(): typeof Restify {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...args: unknown[]) {
    if (isHttpParserBinding(warning, args)) return;
    return (emitWarning as (...a: unknown[]) => void).call(this, warning, ...args);
  } as EmitWarning;
  try {
    return require('restify') as typeof Restify;
  } finally {
    process.emitWarning = emitWarning;
  }
}

const restify = loadRestify();
export default restify;
