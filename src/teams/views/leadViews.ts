/**
 * Who sees what of a lead. The shared card (cards/lead.json) is what the whole channel sees; its `refresh.userIds`
 * lists the owner and the managers, whose Teams clients then ask for their own view (cards/ownerView.json) with the
 * buttons the verb registry (src/leads/verbs.ts) allows them. A refused or outdated click gets cards/refusal.json, History cards/history.json,
 * a broken click cards/error.json. Like cards.ts, this file only prepares flat data; the layout and the verbs live
 * in the JSON templates.
 *
 * Buttons follow the verb registry (src/leads/verbs.ts: status × role), so a button never leads to a certain refusal:
 * | verb     | shown on            | to                                      |
 * |----------|---------------------|-----------------------------------------|
 * | qualify  | claimed, nurturing  | owner, manager                          |
 * | reject   | claimed, nurturing  | owner, manager                          |
 * | nurture  | claimed             | owner (a manager only if they own it)   |
 * | touch    | claimed, nurturing  | owner (a manager only if they own it)   |
 * | release  | claimed             | owner, manager                          |
 * | reassign | claimed, nurturing  | manager, when there is someone to pick  |
 * | reopen   | qualified, rejected | manager                                 |
 */
import type { Actor, Lead, LeadEvent, RejectReason } from '../../leads/lead';
import { REJECT_REASONS } from '../../leads/lead';
import { VERBS, type Role, type Verb } from '../../leads/verbs';
import { expandTemplate, leadCardData, localTimeText, type AdaptiveCard, type Fact, type LeadCardData } from './cards';

export interface ViewOptions {
  now: Date;
  /** From lifecycle `roleOf`: manager wins over owner. */
  role: Role;
  /** A sentence on top of the clicking user's view: "You claimed this lead." or a refusal. */
  notice?: string;
  /** @default 'good' */
  noticeStyle?: 'good' | 'attention';
  /** The team, for a manager's Reassign list (the current owner is left out). */
  members?: { id: string; name: string }[];
  /** Teams user id of the viewer: a manager who owns the lead also gets the owner-only Nurture and Log touch. */
  viewerId?: string;
}

/** Rows on the History card; older events are counted, not listed (the card stays far below 28 KB). */
export const HISTORY_ROWS = 15;
/** At most this many sellers in the Reassign list. */
const MAX_MEMBERS = 100;

/**
 * The ids of each form's inputs, as they arrive in the action's `data` next to `leadId`. Input ids must be unique
 * in a card, and the owner view holds every form at once, so the reject and touch forms use their own names.
 */
export const FORM_INPUTS = {
  qualify: ['budget', 'need', 'timeframe', 'authority', 'rating', 'notes'],
  reject: ['reason', 'rejectNotes'],
  nurture: ['nextTouchDate', 'nextTouchTime', 'note'],
  touch: ['touchNote', 'snoozeDate'],
  reassign: ['assignee'],
} as const;

export interface Choice {
  title: string;
  value: string;
}

export interface OwnerViewData extends LeadCardData {
  canQualify: boolean;
  canReject: boolean;
  canNurture: boolean;
  canTouch: boolean;
  canRelease: boolean;
  canReassign: boolean;
  canReopen: boolean;
  /** Reassign choices: value "<teamsUserId>|<name>". */
  members: Choice[];
  /** All REJECT_REASONS, in words. */
  reasonChoices: Choice[];
  /** The qualify form, prefilled from an earlier qualification ('' when none). */
  form: { budget: string; need: string; timeframe: string; authority: string; rating: string; notes: string };
  /** Today (UTC) as YYYY-MM-DD: the earliest next-touch date the date pickers offer. */
  minTouchDate: string;
  /** A lead without a nurture schedule needs a next-touch date on Log touch (the lifecycle refuses it otherwise). */
  touchDateRequired: boolean;
  touchDateLabel: string;
  touchHint: string;
  /** The outcome on record: qualification (BANT, notes) or rejection (reason, notes). */
  outcomeFacts: Fact[];
  touchesText?: string;
}

export const REASON_WORDS: Record<RejectReason, string> = {
  'not-a-fit': 'Not a fit',
  'no-budget': 'No budget',
  'cannot-contact': 'Cannot contact them',
  'no-longer-interested': 'No longer interested',
  duplicate: 'Duplicate lead',
  'spam-or-test': 'Spam or test',
  competitor: 'Went with a competitor',
  other: 'Other',
};

/** What a History row says: each lifecycle verb's words from the registry, and the steps Lead Desk takes itself. */
const VERB_WORDS: Record<string, string> = {
  ...Object.fromEntries((Object.keys(VERBS) as Verb[]).map((v) => [v, VERBS[v].done])),
  remind: 'Sent a reminder',
  escalate: 'Escalated to the managers',
  history: 'Viewed the history',
  refresh: 'Refreshed the card',
};

const AUTHORITY_WORDS: Record<string, string> = {
  yes: 'Yes, they decide',
  no: 'No, they influence it',
  unknown: 'Not sure yet',
};

/** "Not a fit"; an unknown reason reads as itself without dashes. */
export function reasonInWords(r: string): string {
  return REASON_WORDS[r as RejectReason] ?? r.replace(/-/g, ' ');
}

/** What a History row says someone did: "Claimed", "Logged a touch"; an unknown verb reads as itself. */
export function verbInWords(verb: string): string {
  return VERB_WORDS[verb] ?? (verb ? verb.charAt(0).toUpperCase() + verb.slice(1).replace(/-/g, ' ') : 'Changed');
}

/** What the owner or a manager sees: the lead plus the buttons their role allows on the lead's status. */
export function ownerView(lead: Lead, opts: ViewOptions): AdaptiveCard {
  return expandTemplate('ownerView', ownerViewData(lead, opts));
}

/** The clicking user's view: a seller who does not own the lead gets the shared card (Claim while new), no refresh. */
export function viewFor(lead: Lead, opts: ViewOptions): AdaptiveCard {
  if (opts.role === 'seller') return expandTemplate('lead', { ...leadCardData(lead, opts.now), ...notice(opts) });
  return ownerView(lead, opts);
}

/** "Already claimed by Ana" on top, then the lead as it is now; no owner buttons. */
export function refusalView(lead: Lead, now: Date, message: string): AdaptiveCard {
  return expandTemplate('refusal', { ...leadCardData(lead, now), message });
}

/** The newest HISTORY_ROWS events, newest first: "<time> · <who> · <verb in words> (<from> → <to>)". */
export function historyView(lead: Lead, now: Date, events: LeadEvent[]): AdaptiveCard {
  const sorted = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const rows = sorted.slice(0, HISTORY_ROWS).map(historyRow);
  const countText =
    events.length === 0
      ? 'Nothing has happened to this lead yet.'
      : events.length > rows.length
        ? `The latest ${rows.length} of ${events.length} events, newest first.`
        : `${events.length} ${events.length === 1 ? 'event' : 'events'}, newest first.`;
  const { leadId, name, offer, statusText } = leadCardData(lead, now);
  return expandTemplate('history', { leadId, name, offer, statusText, countText, rows });
}

/** A clear sentence and no buttons: unknown button, missing lead id, lead not found, input too long. */
export function errorView(message: string): AdaptiveCard {
  return expandTemplate('error', { message });
}

// ─── data ───────────────────────────────────────────────────────────────────

function notice(opts: ViewOptions): Pick<LeadCardData, 'notice' | 'noticeStyle'> {
  const text = opts.notice?.trim();
  return text ? { notice: text, noticeStyle: opts.noticeStyle ?? 'good' } : {};
}

function allowed(verb: Verb, lead: Lead, opts: ViewOptions): boolean {
  const t: { from: readonly string[]; who: readonly Role[] } = VERBS[verb];
  if (!t.from.includes(lead.status)) return false;
  const ownsIt = opts.role === 'owner' || (opts.viewerId !== undefined && lead.owner?.id === opts.viewerId);
  return t.who.includes(opts.role) || (ownsIt && t.who.includes('owner'));
}

function ownerViewData(lead: Lead, opts: ViewOptions): OwnerViewData {
  const base = leadCardData(lead, opts.now);
  const members = (opts.members ?? [])
    .filter((m) => m.id.trim() && m.name.trim() && m.id !== lead.owner?.id)
    .slice(0, MAX_MEMBERS)
    .map((m) => ({ title: m.name, value: `${m.id}|${m.name}` }));
  const q = lead.qualification;
  const hasSchedule = lead.nurture !== undefined;
  const touches = lead.nurture?.touches ?? [];
  const data: OwnerViewData = {
    ...base,
    ...notice(opts),
    showHistory: true,
    canQualify: allowed('qualify', lead, opts),
    canReject: allowed('reject', lead, opts),
    canNurture: allowed('nurture', lead, opts),
    canTouch: allowed('touch', lead, opts),
    canRelease: allowed('release', lead, opts),
    canReassign: allowed('reassign', lead, opts) && members.length > 0,
    canReopen: allowed('reopen', lead, opts),
    members,
    reasonChoices: REJECT_REASONS.map((r) => ({ title: reasonInWords(r), value: r })),
    form: {
      budget: q?.budget ?? '',
      need: q?.need ?? '',
      timeframe: q?.timeframe ?? '',
      authority: q?.authority ?? '',
      rating: q?.rating ?? '',
      notes: q?.notes ?? '',
    },
    minTouchDate: opts.now.toISOString().slice(0, 10),
    // A touch needs no date: on a claimed lead it is the first touch; a date schedules the next one.
    touchDateRequired: false,
    touchDateLabel: hasSchedule ? 'Snooze: next touch on (optional)' : 'Next touch on (optional)',
    touchHint: hasSchedule
      ? `Next touch is due ${localTimeText(lead.nurture!.nextTouchAt)}. Pick a new date to snooze it.`
      : 'Log your first touch. Pick a date to be reminded of the next one.',
    outcomeFacts: outcomeFacts(lead),
  };
  if (touches.length) {
    const last = touches[touches.length - 1];
    data.touchesText = `${touches.length} ${touches.length === 1 ? 'touch' : 'touches'} logged · last ${localTimeText(last.at)}`;
  }
  return data;
}

function outcomeFacts(lead: Lead): Fact[] {
  const facts: Fact[] = [];
  const add = (title: string, value: string | undefined) => {
    if (value?.trim()) facts.push({ title, value: value.trim() });
  };
  if (lead.status === 'qualified' && lead.qualification) {
    const q = lead.qualification;
    add('Budget', q.budget);
    add('Need', q.need);
    add('Timeframe', q.timeframe);
    add('Decision maker', q.authority ? (AUTHORITY_WORDS[q.authority] ?? q.authority) : undefined);
    add('Notes', q.notes);
  }
  if (lead.status === 'rejected' && lead.rejection) {
    add('Reason', reasonInWords(lead.rejection.reason));
    add('Notes', lead.rejection.notes);
  }
  return facts;
}

function historyRow(event: LeadEvent): { line: string; detail?: string } {
  const who = event.actor?.name ?? 'Lead Desk';
  const move = event.from && event.to && event.from !== event.to ? ` (${event.from} → ${event.to})` : '';
  const detail = eventDetail(event);
  const line = `${localTimeText(event.at)} · ${who} · ${verbInWords(event.verb)}${move}`;
  return detail ? { line, detail } : { line };
}

/** The inputs worth reading again: reason, qualification, next touch, new owner, notes. Text only, never the contact. */
function eventDetail(event: LeadEvent): string | undefined {
  const d = event.data ?? {};
  const parts: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  if (str(d.reason)) parts.push(`Reason: ${reasonInWords(str(d.reason)!)}`);
  const q = d.qualification as Record<string, unknown> | undefined;
  if (q && typeof q === 'object') {
    if (str(q.rating)) parts.push(`Rated ${str(q.rating)}`);
    for (const [key, title] of [
      ['budget', 'Budget'],
      ['need', 'Need'],
      ['timeframe', 'Timeframe'],
    ] as const) {
      if (str(q[key])) parts.push(`${title}: ${str(q[key])}`);
    }
    if (str(q.authority)) parts.push(`Decision maker: ${AUTHORITY_WORDS[str(q.authority)!] ?? str(q.authority)}`);
    if (str(q.notes)) parts.push(`Notes: ${str(q.notes)}`);
  }
  const to = d.to as Partial<Actor> | undefined;
  if (to && typeof to === 'object' && str(to.name)) parts.push(`To ${str(to.name)}`);
  if (str(d.nextTouchAt)) parts.push(`Next touch ${localTimeText(str(d.nextTouchAt)!)}`);
  if (str(d.notes)) parts.push(`Notes: ${str(d.notes)}`);
  if (str(d.note)) parts.push(`Note: ${str(d.note)}`);
  return parts.length ? parts.join(' · ') : undefined;
}
