/** Writing an HTTP answer: the one place that sets Content-Type and Content-Length (and cache rules) for our JSON. */
import type { ServerResponse } from 'node:http';

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
