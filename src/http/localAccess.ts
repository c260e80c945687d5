/**
 * Local mode (no MicrosoftAppId) has no sign-in, so the pipeline API asks for the local access key instead: a random
 * key kept in DATA_DIR/local-key (src/config), printed with the tab link by `npm run dev` and `npm start`. It holds
 * behind any reverse proxy or tunnel, whatever headers they add, and a web page on another site (DNS rebinding
 * included) cannot send it. The key may come as `?key=`, as the `X-Lead-Desk-Key` header, or as the cookie that
 * opening `/tab?key=<key>` sets (then the browser's requests of the tab carry it, and the address bar drops it).
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LOCAL_KEY_PARAM = 'key';
const HEADER = 'x-lead-desk-key';
const COOKIE = 'leaddesk_key';

/** The key this request carries, if any: the query parameter, else the header, else the cookie. */
function presentedKey(req: IncomingMessage): string | undefined {
  const fromQuery = new URL(req.url ?? '/', 'http://localhost').searchParams.get(LOCAL_KEY_PARAM);
  if (fromQuery) return fromQuery;
  const header = req.headers[HEADER];
  if (typeof header === 'string' && header) return header;
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function sameKey(a: string, b: string): boolean {
  const hash = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(hash(a), hash(b));
}

/** Whether the request carries the local access key. */
export function hasLocalKey(req: IncomingMessage, key: string): boolean {
  const given = presentedKey(req);
  return given !== undefined && sameKey(given, key);
}

/**
 * GET /tab?key=<key>: with the right key, sets the cookie and redirects to the same page without the key (true:
 * answered). Anything else is left to the static file handler (false), whose page then reports what the API says.
 */
export function tabKeyEntry(key: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = url.searchParams.get(LOCAL_KEY_PARAM);
    if (!given || !sameKey(given, key)) return false;
    url.searchParams.delete(LOCAL_KEY_PARAM);
    res.writeHead(303, {
      Location: `${url.pathname}${url.search}`,
      'Set-Cookie': `${COOKIE}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    res.end();
    return true;
  };
}
