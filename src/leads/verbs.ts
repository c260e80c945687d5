/**
 * The verb registry: every action a seller or a manager can take on a lead, one entry each, and the single source
 * of what derives from a verb: the transitions table (status × role), the catalog keys of its words (`verb.<verb>.*`
 * in locales/: the refusal's phrase, the notice, the History row), and whether a card button can send it. Pure data.
 * docs/ARCHITECTURE.md ("Add a card verb") shows how an entry travels to the card, the parser and the handler.
 */
import type { LeadStatus } from './lead';

/** Who the actor is for this lead. Manager wins over owner when both (lifecycle still lets a manager-owner do owner-only verbs). */
export type Role = 'owner' | 'manager' | 'seller';

interface VerbInfo {
  readonly from: readonly LeadStatus[];
  /** 'same': the status does not change. */
  readonly to: LeadStatus | 'same';
  /** 'seller' means anyone in the channel. */
  readonly who: readonly Role[];
  /**
   * What the audit trail says someone did, in English, for exports (the CRM's notes). What people read on cards (the
   * History row, the notice, a refusal's verb phrase) is in the catalogs under `verb.<verb>.*` (locales/, src/i18n).
   */
  readonly done: string;
  /** A card button sends it (Action.Execute / Action.Submit verb). */
  readonly onCard: boolean;
}

const ALL_STATUSES: readonly LeadStatus[] = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];

/**
 * The lead lifecycle (docs/ARCHITECTURE.md), one entry per verb. Refusals (lifecycle `decide`), checked in this order:
 * 1. status not in `from` → 'lead.wrong-status' (claim on a claimed or nurturing lead: 'lead.already-claimed' naming
 *    the owner, or 'lead.already-yours' for the owner);
 * 2. role not in `who` → 'lead.managers-only' (only managers listed), 'lead.owner-only' (only the owner listed),
 *    else 'lead.not-owner' (owner or manager);
 * 3. claim of a do-not-contact notice, a test lead or an erased lead → 'lead.do-not-contact' / 'lead.test-lead' /
 *    'lead.erased';
 * 4. invalid inputs → 'lead.reason-required', 'action.invalid-input', 'action.input-too-long'.
 * The status comes first: on a stale card "this lead is qualified" is the news, whoever clicked.
 */
export const VERBS = {
  claim: {
    from: ['new'],
    to: 'claimed',
    who: ['owner', 'manager', 'seller'],
    done: 'Claimed',
    onCard: true,
  },
  release: {
    from: ['claimed'],
    to: 'new',
    who: ['owner', 'manager'],
    done: 'Released',
    onCard: true,
  },
  reassign: {
    from: ['claimed', 'nurturing'],
    to: 'claimed',
    who: ['manager'],
    done: 'Reassigned',
    onCard: true,
  },
  qualify: {
    from: ['claimed', 'nurturing'],
    to: 'qualified',
    who: ['owner', 'manager'],
    done: 'Qualified',
    onCard: true,
  },
  reject: {
    from: ['claimed', 'nurturing'],
    to: 'rejected',
    who: ['owner', 'manager'],
    done: 'Rejected',
    onCard: true,
  },
  nurture: {
    from: ['claimed'],
    to: 'nurturing',
    who: ['owner'],
    done: 'Started nurturing',
    onCard: true,
  },
  touch: {
    from: ['claimed', 'nurturing'],
    to: 'same',
    who: ['owner'],
    done: 'Logged a touch',
    onCard: true,
  },
  snooze: {
    from: ['claimed', 'nurturing'],
    to: 'same',
    who: ['owner', 'manager'],
    done: 'Snoozed',
    onCard: true,
  },
  reopen: {
    from: ['qualified', 'rejected'],
    to: 'claimed',
    who: ['manager'],
    done: 'Reopened',
    onCard: true,
  },
  /** Send a handoff the CRM refused again, once the cause is fixed (leads/crmHandoff.ts `crmRetried`). */
  retry: {
    from: ['qualified'],
    to: 'same',
    who: ['owner', 'manager'],
    done: 'Retried the CRM handoff',
    onCard: true,
  },
  // Not on any card: src/privacy erases (the `erase` chat command, POST /api/personal-data/erase, retention).
  erase: {
    from: ALL_STATUSES,
    to: 'same',
    who: ['manager'],
    done: 'Erased personal data',
    onCard: false,
  },
} as const satisfies Record<string, VerbInfo>;

export type Verb = keyof typeof VERBS;

/** The verbs a card button can send (every verb whose entry says `onCard`). */
export type CardLifecycleVerb = { [V in Verb]: (typeof VERBS)[V]['onCard'] extends true ? V : never }[Verb];

export const CARD_LIFECYCLE_VERBS = (Object.keys(VERBS) as Verb[]).filter(
  (v) => VERBS[v].onCard,
) as readonly CardLifecycleVerb[];

export interface Transition {
  verb: Verb;
  from: readonly LeadStatus[];
  to: LeadStatus | 'same';
  who: readonly Role[];
}

/** The transitions table (status × verb × role), one row per verb, derived from VERBS. */
export const TRANSITIONS: readonly Transition[] = (Object.keys(VERBS) as Verb[]).map((verb) => ({
  verb,
  from: VERBS[verb].from,
  to: VERBS[verb].to,
  who: VERBS[verb].who,
}));

export function transitionOf(verb: string): Transition | undefined {
  return TRANSITIONS.find((t) => t.verb === verb);
}

export function isVerb(verb: string): verb is Verb {
  return Object.hasOwn(VERBS, verb);
}
