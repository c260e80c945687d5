/**
 * A lead's identity: the dedupe key (who and which offer), the fingerprint of one payload (a retry has the same),
 * and the lead id of each generation. Pure.
 */
import { createHash } from 'node:crypto';
import type { Contact } from './lead';
import { isPlainObject } from './values';

/** Zero-width space, non-joiner, joiner, word joiner, BOM: invisible, so `dana@x.com` with one is still Dana. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** An email as a key: NFKC (full-width letters become plain ones), zero-width characters out, trimmed, lower-cased. */
function normalizedEmail(email: string): string {
  return email.normalize('NFKC').replace(ZERO_WIDTH, '').trim().toLowerCase();
}

/**
 * Who and which offer: `e:<email>` (normalizedEmail), else `p:<phone digits>`, else `n:<first last>|<company>`
 * (lower-cased), then `|<offer lower-cased>`. Several signals of one person about one offer share the key.
 */
export function dedupeKeyFor(contact: Contact, offer: string): string {
  const digits = (contact.phone ?? '').normalize('NFKC').replace(/\D/g, '');
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const email = normalizedEmail(contact.email ?? '');
  const who = email ? `e:${email}` : digits ? `p:${digits}` : `n:${`${name}|${contact.company ?? ''}`.toLowerCase()}`;
  return `${who}|${offer.trim().toLowerCase()}`;
}

/**
 * sha256 (hex) of the payload in canonical form: object keys lower-cased and sorted at every level, string values
 * trimmed, a CustomerInfo string read as the object it holds. The same delivery re-sent with other key casing or
 * order has the same fingerprint; any changed value gives another.
 */
export function fingerprintOf(body: Record<string, unknown>): string {
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    normalized[key] = key.toLowerCase() === 'customerinfo' && typeof value === 'string' ? parsedOrSelf(value) : value;
  }
  return sha256(canonicalJson(normalized));
}

function parsedOrSelf(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value);
    return isPlainObject(parsed) ? parsed : value;
  } catch {
    return value;
  }
}

function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.trim());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k.toLowerCase())}:${canonicalJson(v)}`)
      .sort();
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `L` + 24 hex chars of sha256(dedupeKey); later generations (a closed lead's successor) add `-<generation>`. */
export function leadIdFor(dedupeKey: string, generation: number): string {
  if (!Number.isInteger(generation) || generation < 0) {
    throw new RangeError(`generation must be a whole number ≥ 0, got ${generation}`);
  }
  const base = `L${sha256(dedupeKey).slice(0, 24)}`;
  return generation === 0 ? base : `${base}-${generation}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
