/**
 * JSON logs (pino), one named child logger per module. Log lead ids and error codes, never contact fields
 * or message text: the redact list below is the safety net, not the plan.
 */
import pino, { type Logger, type DestinationStream } from 'pino';

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

let root: Logger = pino({ level: 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'lead-desk' } });
const holders: { name: string; target: Logger }[] = [];

/** Called once by main (and by tests that capture output). Existing module loggers follow the new root. */
export function configureLogging(opts: { level: string; destination?: DestinationStream }): void {
  root = pino(
    { level: opts.level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'lead-desk' } },
    opts.destination,
  );
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
