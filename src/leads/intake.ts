/**
 * Intake: one Partner Center lead payload, received as `unknown`, becomes a `LeadDraft` or a coded error.
 *
 * Two wire shapes are accepted (Partner Center's lead destinations: an HTTPS endpoint, or an Azure Table):
 * - the HTTPS-endpoint body: `UserDetails{FirstName, LastName, Email, Phone, Country, Company, Title}`,
 *   `LeadSource`, `ActionCode`, `OfferTitle`, `Description`;
 * - the Azure Table entity: `CustomerInfo` (a JSON string, or an object, holding the same contact fields),
 *   `LeadSource`, `ActionCode`, `ProductId`, `OfferDisplayName`, `PublisherDisplayName`, `CreatedTime`, `Description`, …
 *
 * Keys match case-insensitively at every level (`UserDetails` = `userDetails`), every field is optional, strings are
 * trimmed (empty → absent) and unknown fields stay in `raw`. Pure: no I/O, nothing from outside `src/leads`.
 */
import { LeadDeskError } from './errors';
import type { Contact, LeadDraft, LeadSource } from './lead';
import { actionKindOf, splitLeadSource, storefrontOf } from './source';
import { dedupeKeyFor, fingerprintOf } from './identity';
import { isPlainObject } from './values';

export type IntakeResult = { ok: true; draft: LeadDraft } | { ok: false; error: LeadDeskError };

/** Wire name of each contact field → our `Contact` key. */
const CONTACT_FIELDS = {
  FirstName: 'firstName',
  LastName: 'lastName',
  Email: 'email',
  Phone: 'phone',
  Country: 'country',
  Company: 'company',
  Title: 'title',
} as const satisfies Record<string, keyof Contact>;

/** A lead needs at least one of these to be worth a seller's time (country and title alone reach nobody). */
const REACHABLE: readonly (keyof typeof CONTACT_FIELDS)[] = ['Email', 'Phone', 'FirstName', 'LastName', 'Company'];

const TEST_MARKER = 'MSFT_TEST';

// ─── entry point ────────────────────────────────────────────────────────────

/** Parses one lead payload; `receivedAt` (ISO-8601) is when the webhook got it. Never throws for bad input. */
export function parseLeadPayload(body: unknown, receivedAt: string): IntakeResult {
  if (!isPlainObject(body)) return { ok: false, error: new LeadDeskError('webhook.not-object', { got: kindOf(body) }) };
  try {
    return { ok: true, draft: toDraft(body, receivedAt) };
  } catch (err) {
    if (err instanceof LeadDeskError) return { ok: false, error: err };
    throw err;
  }
}

function toDraft(body: Record<string, unknown>, receivedAt: string): LeadDraft {
  const fields = byLowerKey(body);
  const contact = readContact(fields);
  const leadSourceRaw = text(fields, 'LeadSource');
  const explicitCode = text(fields, 'ActionCode');
  const offerTitleField = text(fields, 'OfferTitle');
  const offerDisplayName = text(fields, 'OfferDisplayName');
  const productId = text(fields, 'ProductId');
  const description = text(fields, 'Description');

  if (!REACHABLE.some((f) => contact[CONTACT_FIELDS[f]] !== undefined)) {
    throw new LeadDeskError('webhook.no-contact', {
      fields: `${REACHABLE.slice(0, -1).join(', ')} or ${REACHABLE.at(-1)}`,
    });
  }

  const parts = leadSourceRaw === undefined ? {} : splitLeadSource(leadSourceRaw);
  const actionCode = explicitCode ?? parts.actionCode ?? '';
  const offerTitle = offerTitleField ?? offerDisplayName;
  const offer = parts.offer ?? productId ?? offerTitle ?? '';
  const source: LeadSource = {
    kind: 'marketplace',
    storefront: storefrontOf(parts.source),
    actionCode,
    action: actionKindOf(actionCode),
    offer,
  };
  if (offerTitle !== undefined) source.offerTitle = offerTitle;
  if (leadSourceRaw !== undefined) source.leadSourceRaw = leadSourceRaw;

  const isTest = [...Object.values(contact), description, leadSourceRaw].some((v) =>
    v?.toUpperCase().includes(TEST_MARKER),
  );
  const draft: LeadDraft = {
    dedupeKey: dedupeKeyFor(contact, offer),
    fingerprint: fingerprintOf(body),
    source,
    contact,
    isTest,
    doNotContact: source.action === 'do-not-contact',
    raw: { ...body },
    receivedAt,
  };
  if (description !== undefined) draft.description = description;
  return draft;
}

// ─── reading fields ─────────────────────────────────────────────────────────

/** Keys lower-cased; null counts as absent; of keys that differ only in case, the first one with a value wins. */
function byLowerKey(obj: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    const lower = key.toLowerCase();
    if (value !== undefined && value !== null && !map.has(lower)) map.set(lower, value);
  }
  return map;
}

/** A string field, trimmed; absent or blank → undefined; any other type → 'webhook.bad-field'. */
function text(fields: Map<string, unknown>, name: string, path = name): string | undefined {
  const value = fields.get(name.toLowerCase());
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new LeadDeskError('webhook.bad-field', { field: path, got: kindOf(value) });
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Contact from `UserDetails` (HTTPS shape) and/or `CustomerInfo` (table shape); UserDetails wins per field. */
function readContact(fields: Map<string, unknown>): Contact {
  const sources: [Map<string, unknown>, string][] = [];
  const details = fields.get('userdetails');
  if (details !== undefined) {
    if (!isPlainObject(details))
      throw new LeadDeskError('webhook.bad-field', { field: 'UserDetails', got: kindOf(details) });
    sources.push([byLowerKey(details), 'UserDetails']);
  }
  const info = fields.get('customerinfo');
  if (info !== undefined) sources.push([byLowerKey(customerInfo(info)), 'CustomerInfo']);

  const contact: Contact = {};
  for (const [map, prefix] of sources) {
    for (const [wire, key] of Object.entries(CONTACT_FIELDS) as [string, keyof Contact][]) {
      const value = text(map, wire, `${prefix}.${wire}`);
      if (value !== undefined && contact[key] === undefined) contact[key] = value;
    }
  }
  return contact;
}

/** The table entity's `CustomerInfo`: an object, or a string holding a JSON object (blank → no contact fields). */
function customerInfo(value: unknown): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (typeof value !== 'string') {
    throw new LeadDeskError('webhook.bad-customer-info', { detail: `got ${kindOf(value)}` });
  }
  if (value.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new LeadDeskError('webhook.bad-customer-info', { detail: 'the string is not valid JSON' }, err);
  }
  if (!isPlainObject(parsed)) {
    throw new LeadDeskError('webhook.bad-customer-info', { detail: `the string holds JSON ${kindOf(parsed)}` });
  }
  return parsed;
}

// ─── small helpers ──────────────────────────────────────────────────────────

/** What a wrong value is, for error messages: 'array', 'null', 'string', 'number', a class name… */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? name : 'object';
  }
  return typeof v;
}
