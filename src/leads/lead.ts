/**
 * The lead and the values around it. Pure types: no I/O, nothing from outside `src/leads`.
 * Dates are ISO-8601 UTC strings, so both store backends compare and index them as strings.
 */
import type { CrmHandoff } from './crmHandoff';

export type Storefront = 'AppSource' | 'AzureMarketplace' | 'AzurePortal' | 'TestDrive' | 'Other';

/** What the customer did, in our words. Partner Center action codes map onto these (unknown codes → 'other'). */
export type ActionKind =
  | 'contact-me'
  | 'free-trial'
  | 'installed'
  | 'purchased'
  | 'test-drive'
  | 'do-not-contact'
  | 'other';

export type LeadStatus = 'new' | 'claimed' | 'nurturing' | 'qualified' | 'rejected';
const OPEN_STATUSES: readonly LeadStatus[] = ['new', 'claimed', 'nurturing'];

export type Rating = 'hot' | 'warm' | 'cold';

/** Personal data: never logged. */
export interface Contact {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  country?: string;
  company?: string;
  title?: string;
}

export interface LeadSource {
  kind: 'marketplace' | 'referral' | 'manual';
  storefront: Storefront;
  /** The raw Partner Center action code, e.g. INS, PLT, DNC, Create, StartTestDrive (open-ended). */
  actionCode: string;
  action: ActionKind;
  /** Offer id (publisher.offer) or display name, whichever the payload had; '' when unknown. */
  offer: string;
  offerTitle?: string;
  leadSourceRaw?: string;
}

/** One marketplace event about a person and an offer; several can merge into one open lead. */
export interface LeadSignal {
  at: string;
  actionCode: string;
  action: ActionKind;
  storefront: Storefront;
  description?: string;
  /** sha256 of the canonical payload: the same delivery twice has the same fingerprint. */
  fingerprint: string;
}

/** What intake makes of one valid webhook payload. */
export interface LeadDraft {
  dedupeKey: string;
  fingerprint: string;
  source: LeadSource;
  contact: Contact;
  description?: string;
  isTest: boolean;
  doNotContact: boolean;
  /** The payload as received (unknown fields kept), for audit and later re-parsing. */
  raw: Record<string, unknown>;
  receivedAt: string;
}

export interface Actor {
  /** Teams user id (MRI, `29:…`), what `refresh.userIds` needs. */
  id: string;
  aadObjectId?: string;
  name: string;
}

export type RejectReason =
  | 'not-a-fit'
  | 'no-budget'
  | 'cannot-contact'
  | 'no-longer-interested'
  | 'duplicate'
  | 'spam-or-test'
  | 'competitor'
  | 'other';
export const REJECT_REASONS: readonly RejectReason[] = [
  'not-a-fit',
  'no-budget',
  'cannot-contact',
  'no-longer-interested',
  'duplicate',
  'spam-or-test',
  'competitor',
  'other',
];

export interface Qualification {
  budget?: string;
  need?: string;
  timeframe?: string;
  authority?: string;
  rating: Rating;
  notes?: string;
}

export interface Rejection {
  reason: RejectReason;
  notes?: string;
}

export interface Nurture {
  /** When the seller started the nurture: the cadence counts from here. */
  startedAt?: string;
  nextTouchAt: string;
  cadence?: string;
  note?: string;
  touches: { at: string; by: string; note?: string }[];
}

/** One Teams channel the lead card goes to. */
export interface DeliveryTarget {
  /** Id of the channel's install record (store/installStore). */
  channelKey: string;
  /** Teams channel id (`19:…@thread.tacv2`). */
  channelId: string;
  serviceUrl: string;
  tenantId?: string;
  /** Conversation id of the card's thread (`<channelId>;messageid=<activityId>`), once posted. */
  threadId?: string;
  activityId?: string;
  /** `lead.rev` the channel's card shows; behind `lead.rev` means the card needs an update. */
  postedRev?: number;
}

export type DeliveryState = 'pending' | 'posted' | 'failed';

export interface Delivery {
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  /** Coded error of the last failed attempt (never message text with personal data). */
  lastError?: string;
  /** Undefined until routed; then the channels this lead goes to. */
  targets?: DeliveryTarget[];
  /** A worker's claim on the delivery, taken with an ETag-guarded write. */
  lease?: { owner: string; until: string };
}

/** The next step Lead Desk owes a lead (leads/followUp.ts derives it from the lead's state after every change). */
export type FollowUpKind = 'unclaimed' | 'escalate' | 'first-touch' | 'nurture';

export interface FollowUp {
  kind: FollowUpKind;
  /** When it is due, already moved into business hours; the reminder job queries this (indexed). */
  dueAt: string;
  /** A job worker's claim on sending it, taken with an ETag-guarded write (two bot processes send it once). */
  lease?: { owner: string; until: string };
}

export interface Lead {
  id: string;
  /** `lead` documents share the `leads` container with nothing else today; the field keeps queries explicit. */
  type: 'lead';
  dedupeKey: string;
  /** 0 for the first lead of a dedupe key; a closed lead's successor gets generation + 1. */
  generation: number;
  source: LeadSource;
  contact: Contact;
  description?: string;
  isTest: boolean;
  doNotContact: boolean;
  status: LeadStatus;
  owner?: Actor;
  claimedAt?: string;
  qualification?: Qualification;
  rejection?: Rejection;
  score: number;
  rating: Rating;
  signals: LeadSignal[];
  nurture?: Nurture;
  /** The claim deadline, and when each stage of the unclaimed ladder went out (each once; a release clears them). */
  sla: { claimBy: string; remindedAt?: string; escalatedAt?: string };
  /** The owner's first logged touch (or the start of nurture). */
  firstTouchAt?: string;
  /** When the owner was reminded of the missing first touch (once per owner). */
  firstTouchRemindedAt?: string;
  /** No reminder before this (Snooze 1 day / 1 week). */
  snoozedUntil?: string;
  followUp?: FollowUp;
  /** When the personal data of the lead was erased (leads/erasure.ts); the card then says so in place of the contact. */
  erasedAt?: string;
  delivery: Delivery;
  /** The handoff to the team's CRM once qualified (leads/crmHandoff.ts); absent while never qualified or no CRM. */
  crm?: CrmHandoff;
  /** Incremented on every change of what the card shows. */
  rev: number;
  raw: Record<string, unknown>[];
  createdAt: string;
  updatedAt: string;
  _etag?: string;
}

/** Lead Desk itself, as the actor of the steps it takes (reminders, escalations). */
export const LEAD_DESK: Actor = { id: 'lead-desk', name: 'Lead Desk' };

export function isOpen(status: LeadStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function displayName(contact: Contact): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ').trim();
  return name || contact.company || contact.email || contact.phone || 'Unknown contact';
}

/** One entry of a lead's audit trail. */
export interface LeadEvent {
  leadId: string;
  at: string;
  verb: string;
  actor?: Actor;
  from?: LeadStatus;
  to?: LeadStatus;
  /** Inputs of the action (qualification, reason, notes); personal data of the lead never goes here. */
  data?: Record<string, unknown>;
}
