/**
 * Whose personal data a request is about, checked once at the boundary: an email (every lead of that person) or one
 * lead id. The chat command and the HTTP API both ask here. Pure.
 */
import { LeadDeskError } from '../leads/errors';
import { dedupeKeyFor } from '../leads/identity';
import { isPlainObject } from '../leads/values';

export type Person = { email: string } | { leadId: string };

const EMAIL = /^[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+$/;
const LEAD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const MAX_EMAIL = 320;

/** `{ "email": … }` or `{ "leadId": … }`, exactly one; throws privacy.bad-request naming what is wrong (never the value). */
export function personOf(body: unknown): Person {
  if (!isPlainObject(body)) throw bad('the body is not a JSON object');
  const unknown = Object.keys(body).find((k) => k !== 'email' && k !== 'leadId');
  if (unknown !== undefined) throw bad(`unknown field ${JSON.stringify(unknown.slice(0, 40))}`);
  const { email, leadId } = body as { email?: unknown; leadId?: unknown };
  if (email !== undefined && leadId !== undefined) throw bad('got both');
  if (email !== undefined) {
    const text = typeof email === 'string' ? email.trim() : '';
    if (!EMAIL.test(text) || text.length > MAX_EMAIL) throw bad('email is not an email address');
    return { email: text };
  }
  if (leadId !== undefined) {
    const text = typeof leadId === 'string' ? leadId.trim() : '';
    if (!LEAD_ID.test(text)) throw bad('leadId is not a lead id');
    return { leadId: text };
  }
  throw bad('got neither');
}

/** The first email address in a chat message's words (Teams may wrap it in a mailto link), if any. */
export function emailIn(text: string): string | undefined {
  const words = text.replace(/<[^>]*>/g, ' ').split(/[\s<>()[\]"',;]+/);
  return words.map((w) => w.replace(/^mailto:/i, '')).find((w) => EMAIL.test(w) && w.length <= MAX_EMAIL);
}

/**
 * The dedupe-key prefix of a person's leads: `e:<email>|`, the email normalized as intake normalizes it
 * (leads/identity.ts), so every offer and generation of that person matches.
 */
export function keyPrefixOf(email: string): string {
  const prefix = dedupeKeyFor({ email }, '');
  if (!prefix.startsWith('e:') || !prefix.endsWith('|')) throw bad('email is not an email address');
  return prefix;
}

function bad(detail: string): LeadDeskError {
  return new LeadDeskError('privacy.bad-request', { detail });
}
