/**
 * What every section of the store contract shares: a fresh store per test (and more Store instances on the same
 * data, as two bot processes sharing one store would have), and leads built the way intake builds them.
 */
import { withoutSystemFields } from '../../../src/store/backend';
import type { Store } from '../../../src/store';
import type { Lead, LeadDraft } from '../../../src/leads/lead';
import { parseLeadPayload } from '../../../src/leads/intake';
import { leadIdFor } from '../../../src/leads/identity';
import { newLead } from '../../../src/leads/arrival';
import { contactMePayload } from '../../support/payloads';
import { DEFAULT_POLICY, type FollowUpPolicy } from '../../../src/leads/followUp';

/** One place where a store's data lives; `open()` may be called again for another Store on the same data. */
export interface StorePlace {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}
export type StoreFactory = () => Promise<StorePlace>;

export interface Stores {
  /** The first Store on this test's data. */
  readonly store: Store;
  /** Another Store on the same data (another process); closed after the test. */
  another(): Promise<Store>;
}

/** Registers beforeEach/afterEach in the calling describe: a fresh place per test, every opened Store closed after. */
export function useStores(factory: StoreFactory): Stores {
  let place: StorePlace | undefined;
  let opened: Store[] = [];
  beforeEach(async () => {
    place = await factory();
    opened = [await place.open()];
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
    await place?.cleanup();
    place = undefined;
  });
  return {
    get store() {
      if (!opened[0]) throw new Error('no store open: use it inside a test');
      return opened[0];
    },
    async another() {
      if (!place) throw new Error('no store place: use it inside a test');
      const s = await place.open();
      opened.push(s);
      return s;
    },
  };
}

/** When every lead in the contract arrives. */
export const NOW = new Date('2026-11-24T14:05:00.000Z');
/** The follow-up policy leads are received with: a 2 h claim deadline. */
export const POLICY: FollowUpPolicy = { ...DEFAULT_POLICY, claimSlaMs: 2 * 60 * 60 * 1000 };
export const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

/** A Contact me payload from buyer number `n` (a distinct person, so a distinct lead). */
export function payloadOf(n: number, base: Record<string, unknown> = contactMePayload): Record<string, unknown> {
  const user = (base as typeof contactMePayload).UserDetails;
  return { ...base, UserDetails: { ...user, Email: `buyer-${n}@northwind.example` } };
}

export function draftOf(payload: unknown, receivedAt: Date = NOW): LeadDraft {
  const parsed = parseLeadPayload(payload, receivedAt.toISOString());
  if (!parsed.ok) throw parsed.error;
  return parsed.draft;
}

/** A new lead as intake makes it for buyer `n`, with `changes` applied (e.g. another delivery state). */
export function leadOf(n: number, changes: (lead: Lead) => void = () => {}): Lead {
  const draft = draftOf(payloadOf(n));
  const lead = newLead(draft, leadIdFor(draft.dedupeKey, 0), 0, NOW, POLICY);
  changes(lead);
  return lead;
}

/** A document as JSON keeps it, without the fields a backend adds: what two reads of the same data compare by. */
export function plain<T extends object>(doc: T): T {
  return withoutSystemFields(JSON.parse(JSON.stringify(doc)) as T);
}
