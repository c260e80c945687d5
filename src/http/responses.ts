/** Writing an HTTP answer: the one place that sets Content-Type and Content-Length (and cache rules) for our JSON. */
import type { ServerResponse } from 'node:http';
import { retryAfterSeconds, type LeadDeskError } from '../leads/errors';

/** Personal data or manager-only numbers: never kept by a browser or proxy cache, never sniffed. */
export const PRIVATE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string | number> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/**
 * A coded error as the JSON body every endpoint uses (`{error: {code, message, …details}}`), with the headers its
 * status calls for: `WWW-Authenticate` on a 401, `Retry-After` on a 503.
 */
export function sendError(
  res: ServerResponse,
  err: LeadDeskError,
  opts: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): void {
  const headers: Record<string, string | number> = { ...opts.headers };
  if (err.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="lead-desk"';
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  sendJson(res, err.status, { error: { code: err.code, message: err.message, ...opts.details } }, headers);
}
