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
import { t, type Locale } from '../../i18n';
import type { Lead, LeadEvent } from '../../leads/lead';
import { REJECT_REASONS } from '../../leads/lead';
import { VERBS, type Role, type Verb } from '../../leads/verbs';
import { expandTemplate, leadCardData, localTimeText, type AdaptiveCard, type Fact } from './cards';
import type { LeadCardData } from './leadCardData';
import { authorityInWords, reasonInWords } from './leadCardData';
import { historyRow } from './historyRows';

export { reasonInWords } from './leadCardData';
export { verbInWords } from './historyRows';

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
  /** The viewer's language. @default 'en' */
  locale?: Locale;
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
  /** The CRM refused the handoff: Retry sends it again (leads/crmHandoff.ts). */
  canRetry: boolean;
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

/** Every reject reason as a choice, in the reader's words. */
export function reasonChoices(locale: Locale = 'en'): Choice[] {
  return REJECT_REASONS.map((r) => ({ title: reasonInWords(r, locale), value: r }));
}

/** The sentence on top of the clicking user's view once `verb` is done: "You claimed this lead. …". */
export function verbNotice(locale: Locale, verb: Verb): string {
  return t(locale, `verb.${verb}.notice`);
}

/**
 * A refusal (a lifecycle Decision that is not ok, or any coded error a user caused) in the reader's words. The
 * params carry keys (the verb, the status, the field), which become words here.
 */
export function refusalText(locale: Locale, refusal: { code: string; params?: Record<string, unknown> }): string {
  const p = { ...(refusal.params ?? {}) };
  if (typeof p.verb === 'string' && Object.hasOwn(VERBS, p.verb)) {
    p.verb = t(locale, refusal.code === 'lead.wrong-status' ? `verb.${p.verb}.cannotNow` : `verb.${p.verb}.can`);
  }
  if (typeof p.status === 'string') p.status = t(locale, `status.${p.status}`);
  if (typeof p.owner !== 'string') p.owner = t(locale, 'error.theOwner');
  const fieldKey = typeof p.fieldKey === 'string' ? p.fieldKey : p.field;
  if (typeof fieldKey === 'string') {
    const word = t(locale, `field.${fieldKey}`);
    p.field = word === `field.${fieldKey}` ? p.field : word;
  }
  if (refusal.code === 'action.invalid-input' && typeof p.problem === 'string') {
    p.detail = t(locale, `input.${p.problem}`, p);
  }
  const text = t(locale, `error.${refusal.code}`, p);
  return text === `error.${refusal.code}` ? t(locale, 'error.action.not-saved') : text;
}

/** What the owner or a manager sees: the lead plus the buttons their role allows on the lead's status. */
export function ownerView(lead: Lead, opts: ViewOptions): AdaptiveCard {
  return expandTemplate('ownerView', ownerViewData(lead, opts), opts.locale);
}

/** The clicking user's view: a seller who does not own the lead gets the shared card (Claim while new), no refresh. */
export function viewFor(lead: Lead, opts: ViewOptions): AdaptiveCard {
  if (opts.role === 'seller')
    return expandTemplate('lead', { ...leadCardData(lead, opts.now, opts.locale), ...notice(opts) }, opts.locale);
  return ownerView(lead, opts);
}

/** "Already claimed by Ana" on top (`message`, already in the reader's words), then the lead as it is now. */
export function refusalView(lead: Lead, now: Date, message: string, locale: Locale = 'en'): AdaptiveCard {
  return expandTemplate('refusal', { ...leadCardData(lead, now, locale), message }, locale);
}

/** The newest HISTORY_ROWS events, newest first: "<time> · <who> · <verb in words> (<from> → <to>)". */
export function historyView(lead: Lead, now: Date, events: LeadEvent[], locale: Locale = 'en'): AdaptiveCard {
  const sorted = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const rows = sorted.slice(0, HISTORY_ROWS).map((e) => historyRow(e, locale));
  const countText =
    events.length === 0
      ? t(locale, 'history.none')
      : events.length > rows.length
        ? t(locale, 'history.latest', { shown: rows.length, total: events.length })
        : t(locale, 'history.count', { count: events.length });
  const { leadId, name, offer, statusText } = leadCardData(lead, now, locale);
  return expandTemplate('history', { leadId, name, offer, statusText, countText, rows }, locale);
}

/** A clear sentence (already in the reader's words) and no buttons: unknown button, lead not found, input too long. */
export function errorView(message: string, locale: Locale = 'en'): AdaptiveCard {
  return expandTemplate('error', { message }, locale);
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
  const locale = opts.locale ?? 'en';
  const base = leadCardData(lead, opts.now, locale);
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
    canRetry: allowed('retry', lead, opts) && lead.crm?.state === 'refused',
    members,
    reasonChoices: reasonChoices(locale),
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
    touchDateLabel: t(locale, hasSchedule ? 'owner.snoozeDateLabel' : 'owner.nextTouchDateLabel'),
    touchHint: hasSchedule
      ? t(locale, 'owner.touchHintScheduled', { time: localTimeText(lead.nurture!.nextTouchAt, locale) })
      : t(locale, 'owner.touchHintFirst'),
    outcomeFacts: outcomeFacts(lead, locale),
  };
  if (touches.length) {
    const last = touches[touches.length - 1];
    data.touchesText = t(locale, 'owner.touchesLogged', {
      count: touches.length,
      time: localTimeText(last.at, locale),
    });
  }
  return data;
}

function outcomeFacts(lead: Lead, locale: Locale): Fact[] {
  const facts: Fact[] = [];
  const add = (field: string, value: string | undefined) => {
    if (value?.trim()) facts.push({ title: t(locale, `field.${field}`), value: value.trim() });
  };
  if (lead.status === 'qualified' && lead.qualification) {
    const q = lead.qualification;
    add('budget', q.budget);
    add('need', q.need);
    add('timeframe', q.timeframe);
    add('authority', q.authority ? authorityInWords(q.authority, locale) : undefined);
    add('notes', q.notes);
  }
  if (lead.status === 'rejected' && lead.rejection) {
    add('reason', reasonInWords(lead.rejection.reason, locale));
    add('notes', lead.rejection.notes);
  }
  return facts;
}
