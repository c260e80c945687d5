/**
 * JSON logs (pino), one named child logger per module. Log lead ids and error codes, never contact fields
 * or message text: the redact list below is the safety net, not the plan.
 * Every line logged inside a log context (an HTTP request, a job pass, one lead's delivery) carries its
 * `requestId`, and its `leadId` and `activityId` once known: `withLogContext`, `addLogContext` (pino's mixin).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { type Logger, type DestinationStream, type LoggerOptions } from 'pino';

const REDACT = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'name',
  'contact',
  'text',
  'raw',
  'body',
  'value',
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  '*.name',
  '*.contact',
  '*.text',
  '*.raw',
  '*.body',
  '*.value',
  'req.headers.authorization',
  'req.query',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

/** What a log context adds to each line: ids only, never personal data. */
export interface LogContext {
  requestId: string;
  leadId?: string;
  /** The Bot Framework activity a /api/messages request carries. */
  activityId?: string;
}

const contexts = new AsyncLocalStorage<LogContext>();

/** Runs `fn` in a new log context (a fresh request id unless one is given); what `fn` starts inherits it. */
export function withLogContext<T>(fields: Partial<LogContext>, fn: () => T): T {
  return contexts.run({ ...fields, requestId: fields.requestId ?? randomUUID() }, fn);
}

/** Runs `fn` in a context made earlier (`currentLogContext`): an HTTP request's after its body was read. */
export function runInLogContext<T>(context: LogContext, fn: () => T): T {
  return contexts.run(context, fn);
}

export function currentLogContext(): LogContext | undefined {
  return contexts.getStore();
}

/** Runs `fn` in a child of the current context (same request id) about one lead: a job pass's work on it. */
export function withLeadId<T>(leadId: string, fn: () => T): T {
  const context = contexts.getStore();
  return contexts.run({ ...context, requestId: context?.requestId ?? randomUUID(), leadId }, fn);
}

/** Adds the lead id (or activity id), once known, to the current context; outside any context it does nothing. */
export function addLogContext(fields: Omit<Partial<LogContext>, 'requestId'>): void {
  const context = contexts.getStore();
  if (context) Object.assign(context, fields);
}

function options(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { app: 'lead-desk' },
    // A copy: pino merges the line's own fields into what the mixin returns.
    mixin: () => ({ ...contexts.getStore() }),
  };
}

let root: Logger = pino(options('info'));
const holders: { name: string; target: Logger }[] = [];

/** Called once by main (and by tests that capture output). Existing module loggers follow the new root. */
export function configureLogging(opts: { level: string; destination?: DestinationStream }): void {
  root = pino(options(opts.level), opts.destination);
  for (const h of holders) h.target = root.child({ module: h.name });
}

/** A module's logger. Returns a stable proxy so module-level loggers pick up configureLogging later. */
export function logger(name: string): Logger {
  const holder = { name, target: root.child({ module: name }) };
  holders.push(holder);
  return new Proxy({} as Logger, {
    get(_t, prop) {
      const v = (holder.target as unknown as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(holder.target) : v;
    },
  });
}
