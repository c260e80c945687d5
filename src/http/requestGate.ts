/**
 * What runs before every route (restify's `pre`): the request's id, taken from the platform's headers or made here,
 * echoed as `x-request-id` and carried by every log line of the request (src/log.ts); new work refused with a coded
 * 503 + Retry-After while the process starts or stops (the probes always answer); a count of the requests in
 * flight, which `drain` waits for at shutdown.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'restify';
import type { LeadDeskError } from '../leads/errors';
import { currentLogContext, runInLogContext, withLogContext, type LogContext } from '../log';
import { sendError } from './responses';

/** Request ids a platform may send: ours, Azure's, App Service's front end (ARR), a common one. */
const ID_HEADERS = ['x-request-id', 'x-ms-request-id', 'x-arr-log-id', 'x-correlation-id'] as const;
/** An id from outside goes into logs and a header: short, and no characters that could forge either. */
const SAFE_ID = /^[\w.:@-]{1,128}$/;
/** W3C Trace Context: version-traceid-parentid-flags; the trace id follows the request across services. */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const PROBES = new Set(['/api/health', '/api/ready']);

/** The id the platform gave the request, if it gave a usable one. */
function requestIdOf(req: IncomingMessage): string | undefined {
  for (const name of ID_HEADERS) {
    const value = req.headers[name];
    const id = Array.isArray(value) ? value[0] : value;
    if (id && SAFE_ID.test(id)) return id;
  }
  return TRACEPARENT.exec(String(req.headers.traceparent ?? '').trim())?.[1];
}

type Next = (proceed?: boolean) => void;

export interface RequestGate {
  /** Middleware that re-enters the request's log context: a body parser reads the body outside it. */
  within(req: IncomingMessage, res: ServerResponse, next: Next): void;
  /** Resolves true once no request is in flight, false if some still are after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
}

/**
 * `admit` answers the coded error to refuse new work with (the process is starting or stopping), or undefined.
 * It is asked for every /api/ request except the probes and HEAD.
 */
export function requestGate(server: Server, admit?: () => LeadDeskError | undefined): RequestGate {
  const contexts = new WeakMap<IncomingMessage, LogContext>();
  let inFlight = 0;
  let idle: (() => void)[] = [];

  server.pre((req: IncomingMessage, res: ServerResponse, next: Next) =>
    withLogContext({ requestId: requestIdOf(req) }, () => {
      const context = currentLogContext() as LogContext;
      contexts.set(req, context);
      res.setHeader('x-request-id', context.requestId);
      const path = (req.url ?? '/').split('?')[0];
      const refusal = path.startsWith('/api/') && !PROBES.has(path) && req.method !== 'HEAD' ? admit?.() : undefined;
      if (refusal) {
        // Connection: close, so a load balancer opens its next connection to another instance.
        sendError(res, refusal, { headers: { Connection: 'close' } });
        req.resume();
        return next(false);
      }
      inFlight++;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        inFlight--;
        if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
      };
      res.once('finish', end);
      res.once('close', end);
      next();
    }),
  );

  return {
    within: (req, _res, next) => {
      const context = contexts.get(req);
      if (context) runInLogContext(context, () => next());
      else next();
    },
    drain: (timeoutMs) => {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          idle = idle.filter((r) => r !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        idle.push(done);
      });
    },
  };
}
