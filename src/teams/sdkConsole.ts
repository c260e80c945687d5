/**
 * botbuilder and botframework-connector print to the console (CloudAdapter, JwtTokenExtractor: a stack trace for
 * every refused token). Code run through `quietSdk` has those calls turned into one JSON debug line each (the
 * error's name, or a string's first words), so our logs stay one JSON object a line. Console calls made outside
 * it (scripts, tests) are untouched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from '../log';

const log = logger('teams:sdk');
const quiet = new AsyncLocalStorage<true>();
const LEVELS = ['error', 'warn', 'log', 'info', 'debug', 'trace'] as const;
let installed = false;

/** Runs `fn` with the Bot Framework SDK's console output sent to the log instead. */
export function quietSdk<T>(fn: () => Promise<T>): Promise<T> {
  if (!installed) install();
  return quiet.run(true, fn);
}

function install(): void {
  installed = true;
  for (const level of LEVELS) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      if (!quiet.getStore()) return original.apply(console, args);
      log.debug({ console: level, what: summary(args[0]) }, 'Bot Framework SDK output');
    };
  }
}

/** An error's name, or a string's words up to its first colon or line break (no values, no tokens, no keys). */
function summary(arg: unknown): string {
  if (arg instanceof Error) return arg.name;
  if (typeof arg === 'string') return arg.split(/[:\n]/)[0].slice(0, 80);
  return typeof arg;
}
