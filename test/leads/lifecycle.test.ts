import assert from 'node:assert/strict';
import { decide, timeToClaimMs, type Command, type Decision } from '../../src/leads/lifecycle';
import { TRANSITIONS, type Role, type Verb } from '../../src/leads/verbs';
import { roleOf } from '../../src/leads/roles';
import { DEFAULT_POLICY, withFollowUp } from '../../src/leads/followUp';
import type { ErrorCode } from '../../src/leads/errors';
import { REJECT_REASONS, type Actor, type Lead, type LeadStatus, type Rating } from '../../src/leads/lead';

// ─── builders ───────────────────────────────────────────────────────────────

const CREATED_AT = '2026-11-24T14:05:00.000Z';
/** Two minutes after the lead arrived. */
const NOW = new Date('2026-11-24T14:07:00.000Z');

function seller(name: string): Actor {
  const key = name.toLowerCase().replace(/\s+/g, '-');
  return { id: `29:${key}`, aadObjectId: `aad-${key}`, name };
}
const manager = seller;

const ANA = seller('Ana Souza');
const SAM = seller('Sam Lee');
const RUI = seller('Rui Costa');
const MAYA = manager('Maya Patel');
const MANAGER_IDS = [MAYA.aadObjectId!];

/** Personal data of the lead's contact: none of it may appear in an event or survive an erase. */
const PERSONAL = [
  'Jamie',
  'Müller-Lindqvist',
  'jamie.mueller@fabrikam.example',
  '+49 30 1234 5678',
  'Head of Finance Operations',
];

/** A lead in `status`, owned by `owner`: by default Ana, except a new lead; `null` for no owner. */
function makeLead(
  status: LeadStatus,
  owner: Actor | null = status === 'new' ? null : ANA,
  extra: Partial<Lead> = {},
): Lead {
  const lead: Lead = {
    id: 'lead-7f3a9c2e',
    type: 'lead',
    dedupeKey: 'e:jamie.mueller@fabrikam.example|contoso.analytics',
    generation: 0,
    source: {
      kind: 'marketplace',
      storefront: 'AppSource',
      actionCode: 'Create',
      action: 'contact-me',
      offer: 'contoso.analytics',
    },
    contact: {
      firstName: 'Jamie',
      lastName: 'Müller-Lindqvist',
      email: 'jamie.mueller@fabrikam.example',
      phone: '+49 30 1234 5678',
      country: 'DE',
      company: 'Fabrikam Logistics GmbH',
      title: 'Head of Finance Operations',
    },
    description: 'Jamie here: call me on +49 30 1234 5678 about pricing for 250 users.',
    isTest: false,
    doNotContact: false,
    status,
    score: 75,
    rating: 'hot',
    signals: [
      {
        at: CREATED_AT,
        actionCode: 'Create',
        action: 'contact-me',
        storefront: 'AppSource',
        description: 'Jamie wants a call',
        fingerprint: 'f1',
      },
    ],
    sla: { claimBy: '2026-11-24T16:05:00.000Z' },
    delivery: { state: 'posted', attempts: 1, nextAttemptAt: CREATED_AT },
    rev: 3,
    raw: [{ CustomerInfo: { FirstName: 'Jamie', Email: 'jamie.mueller@fabrikam.example' } }],
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
  };
  if (owner) {
    lead.owner = owner;
    lead.claimedAt = '2026-11-24T14:06:00.000Z';
  }
  if (status === 'nurturing') lead.nurture = { nextTouchAt: '2026-11-30T00:00:00.000Z', touches: [] };
  if (status === 'qualified') lead.qualification = { rating: 'hot', budget: '50k' };
  if (status === 'rejected') lead.rejection = { reason: 'no-budget' };
  return { ...lead, ...extra };
}

/** A valid command for each verb, so the table test exercises only who and when. */
const COMMANDS: Record<Verb, Command> = {
  claim: { verb: 'claim' },
  release: { verb: 'release' },
  qualify: {
    verb: 'qualify',
    qualification: {
      rating: 'warm',
      budget: '50k',
      need: 'Reporting',
      timeframe: 'Q1',
      authority: 'CFO',
      notes: 'Good call',
    },
  },
  reject: { verb: 'reject', reason: 'no-budget', notes: 'Maybe next year' },
  nurture: { verb: 'nurture', nextTouchAt: '2026-12-01', cadence: 'weekly', note: 'Budget in January' },
  touch: { verb: 'touch', note: 'Left a voicemail', nextTouchAt: '2026-12-02' },
  snooze: { verb: 'snooze', days: 1 },
  reassign: { verb: 'reassign', to: RUI },
  reopen: { verb: 'reopen' },
  retry: { verb: 'retry' },
  erase: { verb: 'erase' },
};

/** Who acts in each role: the owner is Ana, the manager Maya (not the owner), the seller Sam. */
const ACTORS: Record<Role, Actor> = { owner: ANA, manager: MAYA, seller: SAM };

function ok(decision: Decision): Extract<Decision, { ok: true }> {
  assert.ok(
    decision.ok,
    `expected the action to be allowed, got ${decision.ok ? '' : `${decision.code}: ${decision.message}`}`,
  );
  return decision;
}

function refused(decision: Decision, code: ErrorCode): Extract<Decision, { ok: false }> {
  assert.ok(!decision.ok, `expected a refusal ${code}, got an allowed action`);
  assert.equal(decision.code, code, decision.message);
  return decision;
}

// ─── the table, written out independently of TRANSITIONS ───────────────────

/** A status: allowed, and the lead ends in that status. An error code: refused with it. */
type Outcome = LeadStatus | ErrorCode;
const WRONG: Outcome = 'lead.wrong-status';
const MGR: Outcome = 'lead.managers-only';
const NOT_OWNER: Outcome = 'lead.not-owner';
const OWNER_ONLY: Outcome = 'lead.owner-only';

//                                    owner                 manager                  seller
const EXPECTED: Record<Verb, Record<LeadStatus, [Outcome, Outcome, Outcome]>> = {
  claim: {
    new: /*            */ ['claimed', 'claimed', 'claimed'],
    claimed: /*        */ ['lead.already-yours', 'lead.already-claimed', 'lead.already-claimed'],
    nurturing: /*      */ ['lead.already-yours', 'lead.already-claimed', 'lead.already-claimed'],
    qualified: /*      */ [WRONG, WRONG, WRONG],
    rejected: /*       */ [WRONG, WRONG, WRONG],
  },
  release: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['new', 'new', NOT_OWNER],
    nurturing: [WRONG, WRONG, WRONG],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  reassign: {
    new: [WRONG, WRONG, WRONG],
    claimed: [MGR, 'claimed', MGR],
    nurturing: [MGR, 'claimed', MGR],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  qualify: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['qualified', 'qualified', NOT_OWNER],
    nurturing: ['qualified', 'qualified', NOT_OWNER],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  reject: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['rejected', 'rejected', NOT_OWNER],
    nurturing: ['rejected', 'rejected', NOT_OWNER],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  nurture: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['nurturing', OWNER_ONLY, OWNER_ONLY],
    nurturing: [WRONG, WRONG, WRONG],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  touch: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['claimed', OWNER_ONLY, OWNER_ONLY],
    nurturing: ['nurturing', OWNER_ONLY, OWNER_ONLY],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  snooze: {
    new: [WRONG, WRONG, WRONG],
    claimed: ['claimed', 'claimed', NOT_OWNER],
    nurturing: ['nurturing', 'nurturing', NOT_OWNER],
    qualified: [WRONG, WRONG, WRONG],
    rejected: [WRONG, WRONG, WRONG],
  },
  reopen: {
    new: [WRONG, WRONG, WRONG],
    claimed: [WRONG, WRONG, WRONG],
    nurturing: [WRONG, WRONG, WRONG],
    qualified: [MGR, 'claimed', MGR],
    rejected: [MGR, 'claimed', MGR],
  },
  // Allowed on a qualified lead, then refused by its handler: nothing was refused by a CRM (test/leads/crmHandoff.test.ts).
  retry: {
    new: [WRONG, WRONG, WRONG],
    claimed: [WRONG, WRONG, WRONG],
    nurturing: [WRONG, WRONG, WRONG],
    qualified: ['crm.not-refused', 'crm.not-refused', NOT_OWNER],
    rejected: [WRONG, WRONG, WRONG],
  },
  erase: {
    new: [MGR, 'new', MGR],
    claimed: [MGR, 'claimed', MGR],
    nurturing: [MGR, 'nurturing', MGR],
    qualified: [MGR, 'qualified', MGR],
    rejected: [MGR, 'rejected', MGR],
  },
};

const STATUSES: LeadStatus[] = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];
const ROLES: Role[] = ['owner', 'manager', 'seller'];

describe('lifecycle decide', () => {
  describe('the transitions table, every status × verb × role', () => {
    for (const verb of Object.keys(EXPECTED) as Verb[]) {
      for (const status of STATUSES) {
        ROLES.forEach((role, i) => {
          const expected = EXPECTED[verb][status][i];
          const allowed = !expected.includes('.');
          it(`${allowed ? 'lets' : 'refuses'} the ${role} ${verb} a ${status} lead${allowed ? `, which becomes ${expected}` : ` with ${expected}`}`, () => {
            const lead = makeLead(status);
            const before = structuredClone(lead);
            const decision = decide(lead, COMMANDS[verb], ACTORS[role], role, NOW);
            assert.deepEqual(lead, before, 'decide() must not change its input');
            if (!allowed) {
              const refusal = refused(decision, expected as ErrorCode);
              assert.ok(
                refusal.message.length > 0 && !refusal.message.includes('{'),
                `unformatted message: ${refusal.message}`,
              );
              return;
            }
            const { lead: after, event } = ok(decision);
            assert.equal(after.status, expected);
            assert.equal(after.rev, lead.rev + 1);
            assert.equal(after.updatedAt, NOW.toISOString());
            assert.equal(after.delivery.state, 'pending');
            assert.equal(after.delivery.nextAttemptAt, NOW.toISOString());
            if (verb === 'release')
              assert.deepEqual(
                after.sla,
                { claimBy: new Date(NOW.getTime() + 15 * 60_000).toISOString() },
                'a release starts the claim ladder again',
              );
            else assert.deepEqual(after.sla, lead.sla);
            assert.deepEqual(
              {
                leadId: event.leadId,
                at: event.at,
                verb: event.verb,
                actor: event.actor,
                from: event.from,
                to: event.to,
              },
              { leadId: lead.id, at: NOW.toISOString(), verb, actor: ACTORS[role], from: status, to: expected },
            );
            const eventJson = JSON.stringify(event);
            for (const value of PERSONAL) assert.ok(!eventJson.includes(value), `event of ${verb} leaks contact data`);
          });
        });
      }
    }

    it('has exactly one row per verb in TRANSITIONS', () => {
      assert.deepEqual(TRANSITIONS.map((t) => t.verb).sort(), (Object.keys(EXPECTED) as Verb[]).sort());
    });
  });

  // ─── roles ────────────────────────────────────────────────────────────────

  describe('roleOf', () => {
    it('makes a configured AAD object id a manager', () => {
      assert.equal(roleOf(makeLead('claimed'), MAYA, MANAGER_IDS), 'manager');
    });

    it('makes a configured Teams user id a manager too', () => {
      assert.equal(roleOf(makeLead('claimed'), { id: '29:boss', name: 'Boss' }, ['29:boss']), 'manager');
    });

    it('prefers manager over owner when a manager owns the lead', () => {
      assert.equal(roleOf(makeLead('claimed', MAYA), MAYA, MANAGER_IDS), 'manager');
    });

    it('recognizes the owner by AAD object id even when the Teams id differs', () => {
      assert.equal(roleOf(makeLead('claimed'), { ...ANA, id: '29:other-device' }, MANAGER_IDS), 'owner');
    });

    it('treats anyone else as a seller', () => {
      assert.equal(roleOf(makeLead('claimed'), SAM, MANAGER_IDS), 'seller');
      assert.equal(roleOf(makeLead('new'), ANA, MANAGER_IDS), 'seller');
    });

    it('lets a manager who owns the lead do owner-only actions', () => {
      const lead = makeLead('claimed', MAYA);
      assert.equal(
        ok(decide(lead, COMMANDS.nurture, MAYA, roleOf(lead, MAYA, MANAGER_IDS), NOW)).lead.status,
        'nurturing',
      );
    });
  });

  // ─── claim ────────────────────────────────────────────────────────────────

  describe('claim', () => {
    it('gives the lead to the first seller and records when', () => {
      const { lead } = ok(decide(makeLead('new'), { verb: 'claim' }, ANA, 'seller', NOW));
      assert.deepEqual(lead.owner, ANA);
      assert.equal(lead.claimedAt, NOW.toISOString());
      assert.equal(timeToClaimMs(lead), 2 * 60_000);
    });

    it('refuses the second of two racing sellers, naming the first', () => {
      const read = makeLead('new');
      const first = ok(decide(read, { verb: 'claim' }, ANA, 'seller', NOW));
      // The store retries Sam's write on the lead Ana's claim produced (ETag conflict → re-read → decide again).
      const second = refused(
        decide(first.lead, { verb: 'claim' }, SAM, roleOf(first.lead, SAM, MANAGER_IDS), NOW),
        'lead.already-claimed',
      );
      assert.equal(second.params.owner, 'Ana Souza');
      assert.equal(second.message, 'Already claimed by Ana Souza.');
    });

    it('tells the owner who clicks claim again that the lead is already theirs', () => {
      assert.equal(
        refused(decide(makeLead('claimed'), { verb: 'claim' }, ANA, 'owner', NOW), 'lead.already-yours').message,
        'You already own this lead.',
      );
    });

    it('says a qualified lead cannot be claimed now', () => {
      assert.equal(
        refused(decide(makeLead('qualified'), { verb: 'claim' }, SAM, 'seller', NOW), 'lead.wrong-status').message,
        'This lead is qualified; you cannot claim it now.',
      );
    });

    for (const role of ROLES) {
      it(`refuses a ${role} claiming a do-not-contact notice`, () => {
        refused(
          decide(makeLead('new', null, { doNotContact: true }), { verb: 'claim' }, ACTORS[role], role, NOW),
          'lead.do-not-contact',
        );
      });

      it(`refuses a ${role} claiming a Partner Center test lead`, () => {
        refused(
          decide(makeLead('new', null, { isTest: true }), { verb: 'claim' }, ACTORS[role], role, NOW),
          'lead.test-lead',
        );
      });
    }
  });

  // ─── release, reassign, reopen ─────────────────────────────────────────────

  describe('release, reassign and reopen', () => {
    it('puts a released lead back in the queue without owner or claim time', () => {
      const { lead } = ok(decide(makeLead('claimed'), { verb: 'release' }, ANA, 'owner', NOW));
      assert.equal(lead.owner, undefined);
      assert.equal(lead.claimedAt, undefined);
      assert.equal(timeToClaimMs(lead), undefined);
    });

    it("names the owner when a seller tries to release someone else's lead", () => {
      assert.equal(
        refused(decide(makeLead('claimed'), { verb: 'release' }, SAM, 'seller', NOW), 'lead.not-owner').message,
        'Only Ana Souza (the owner) or a manager can release this lead.',
      );
    });

    it('hands a nurtured lead to a new owner as a claimed lead, keeping the claim time', () => {
      const before = makeLead('nurturing');
      const { lead, event } = ok(decide(before, { verb: 'reassign', to: RUI }, MAYA, 'manager', NOW));
      assert.deepEqual(lead.owner, RUI);
      assert.equal(lead.status, 'claimed');
      assert.equal(lead.claimedAt, before.claimedAt);
      assert.deepEqual(event.data, { to: RUI });
    });

    it('refuses to reassign a lead to its current owner', () => {
      refused(decide(makeLead('claimed'), { verb: 'reassign', to: ANA }, MAYA, 'manager', NOW), 'action.invalid-input');
    });

    it('refuses to reassign a lead to nobody', () => {
      refused(
        decide(makeLead('claimed'), { verb: 'reassign', to: { id: '', name: '' } }, MAYA, 'manager', NOW),
        'action.invalid-input',
      );
    });

    it('says only a manager can reassign', () => {
      assert.equal(
        refused(decide(makeLead('claimed'), { verb: 'reassign', to: RUI }, ANA, 'owner', NOW), 'lead.managers-only')
          .message,
        'Only a manager can reassign a lead.',
      );
    });

    it('reopens a rejected lead for its previous owner and clears the rejection', () => {
      const { lead } = ok(decide(makeLead('rejected'), { verb: 'reopen' }, MAYA, 'manager', NOW));
      assert.deepEqual(lead.owner, ANA);
      assert.equal(lead.status, 'claimed');
      assert.equal(lead.rejection, undefined);
    });

    it('gives a reopened lead without an owner to the reopening manager', () => {
      const { lead } = ok(decide(makeLead('rejected', null), { verb: 'reopen' }, MAYA, 'manager', NOW));
      assert.deepEqual(lead.owner, MAYA);
      assert.equal(lead.claimedAt, NOW.toISOString());
    });
  });

  // ─── qualify ──────────────────────────────────────────────────────────────

  describe('qualify', () => {
    const bands: [Rating, number, number][] = [
      ['hot', 80, 100],
      ['warm', 50, 79],
      ['cold', 0, 49],
    ];
    for (const [rating, min, max] of bands) {
      it(`rates a lead qualified as ${rating} ${rating} and pins its score into ${min}..${max}`, () => {
        const { lead } = ok(
          decide(makeLead('claimed'), { verb: 'qualify', qualification: { rating } }, ANA, 'owner', NOW),
        );
        assert.equal(lead.rating, rating);
        assert.ok(lead.score >= min && lead.score <= max, `score ${lead.score} outside ${min}..${max}`);
      });
    }

    it('records budget, need, timeframe, authority, rating and notes, trimmed, in the lead and the event', () => {
      const qualification = {
        budget: ' 50k ',
        need: 'Reporting',
        timeframe: 'Q1',
        authority: 'CFO',
        rating: 'warm' as const,
        notes: 'Good call',
      };
      const { lead, event } = ok(decide(makeLead('nurturing'), { verb: 'qualify', qualification }, ANA, 'owner', NOW));
      const expected = { ...qualification, budget: '50k' };
      assert.deepEqual(lead.qualification, expected);
      assert.deepEqual(event.data, { qualification: expected });
    });

    it('refuses a rating that is not hot, warm or cold', () => {
      const qualification = { rating: 'lukewarm' } as unknown as { rating: Rating };
      refused(
        decide(makeLead('claimed'), { verb: 'qualify', qualification }, ANA, 'owner', NOW),
        'action.invalid-input',
      );
    });

    it('refuses notes longer than 1000 characters, naming the field', () => {
      const refusal = refused(
        decide(
          makeLead('claimed'),
          { verb: 'qualify', qualification: { rating: 'hot', budget: 'x'.repeat(1001) } },
          ANA,
          'owner',
          NOW,
        ),
        'action.input-too-long',
      );
      assert.equal(refusal.message, 'Budget is too long: at most 1000 characters.');
    });
  });

  // ─── reject ───────────────────────────────────────────────────────────────

  describe('reject', () => {
    it('refuses a rejection without a reason', () => {
      assert.equal(
        refused(decide(makeLead('claimed'), { verb: 'reject' }, ANA, 'owner', NOW), 'lead.reason-required').message,
        'Pick a reason to reject the lead.',
      );
    });

    it('refuses a reason that is not on the list', () => {
      refused(
        decide(makeLead('claimed'), { verb: 'reject', reason: 'bored' }, ANA, 'owner', NOW),
        'lead.reason-required',
      );
    });

    for (const reason of REJECT_REASONS) {
      it(`rejects a lead for the reason ${reason}`, () => {
        const { lead, event } = ok(decide(makeLead('claimed'), { verb: 'reject', reason }, ANA, 'owner', NOW));
        assert.deepEqual(lead.rejection, { reason });
        assert.deepEqual(event.data, { reason });
      });
    }

    it('keeps the notes of a rejection', () => {
      const { lead } = ok(
        decide(
          makeLead('claimed'),
          { verb: 'reject', reason: 'other', notes: 'Went with a partner' },
          MAYA,
          'manager',
          NOW,
        ),
      );
      assert.deepEqual(lead.rejection, { reason: 'other', notes: 'Went with a partner' });
    });

    it('refuses rejection notes longer than 1000 characters', () => {
      refused(
        decide(makeLead('claimed'), { verb: 'reject', reason: 'other', notes: 'x'.repeat(1001) }, ANA, 'owner', NOW),
        'action.input-too-long',
      );
    });
  });

  // ─── nurture and touch ────────────────────────────────────────────────────

  describe('nurture and touch', () => {
    it('schedules the next touch of a nurtured lead', () => {
      const { lead, event } = ok(decide(makeLead('claimed'), COMMANDS.nurture, ANA, 'owner', NOW));
      assert.deepEqual(lead.nurture, {
        startedAt: NOW.toISOString(),
        nextTouchAt: '2026-12-01T00:00:00.000Z',
        cadence: 'weekly',
        note: 'Budget in January',
        touches: [],
      });
      assert.deepEqual(event.data, {
        nextTouchAt: '2026-12-01T00:00:00.000Z',
        cadence: 'weekly',
        note: 'Budget in January',
      });
    });

    for (const [when, nextTouchAt] of [
      ['in the past', '2026-11-01'],
      ['right now', NOW.toISOString()],
      ['earlier today', '2026-11-24'],
    ] as const) {
      it(`refuses a next touch ${when}`, () => {
        const refusal = refused(
          decide(makeLead('claimed'), { verb: 'nurture', nextTouchAt }, ANA, 'owner', NOW),
          'action.invalid-input',
        );
        assert.equal(refusal.message, 'Next touch date must be in the future.');
      });
    }

    it('starts the cadence (day 1 from now) when the seller picks no date', () => {
      const { lead } = ok(decide(makeLead('claimed'), { verb: 'nurture', nextTouchAt: '' }, ANA, 'owner', NOW));
      assert.equal(lead.nurture?.nextTouchAt, new Date(NOW.getTime() + 86_400_000).toISOString());
      assert.equal(lead.followUp?.kind, 'nurture');
    });

    for (const nextTouchAt of ['next week', '2026-02-30', '2026-13-01', '2026-12-01T10:00:00']) {
      it(`refuses "${nextTouchAt}" as a next touch date`, () => {
        refused(
          decide(makeLead('claimed'), { verb: 'nurture', nextTouchAt }, ANA, 'owner', NOW),
          'action.invalid-input',
        );
      });
    }

    it('accepts a full ISO date-time with an offset and stores it in UTC', () => {
      const { lead } = ok(
        decide(makeLead('claimed'), { verb: 'nurture', nextTouchAt: '2026-12-01T10:00:00+02:00' }, ANA, 'owner', NOW),
      );
      assert.equal(lead.nurture?.nextTouchAt, '2026-12-01T08:00:00.000Z');
    });

    it('logs a touch with its note and keeps the schedule', () => {
      const { lead } = ok(decide(makeLead('nurturing'), { verb: 'touch', note: 'Sent the deck' }, ANA, 'owner', NOW));
      assert.equal(lead.status, 'nurturing');
      assert.equal(lead.nurture?.nextTouchAt, '2026-11-30T00:00:00.000Z');
      assert.deepEqual(lead.nurture?.touches, [{ at: NOW.toISOString(), by: 'Ana Souza', note: 'Sent the deck' }]);
    });

    it('snoozes a nurtured lead when the touch brings a new date', () => {
      const { lead } = ok(
        decide(makeLead('nurturing'), { verb: 'touch', nextTouchAt: '2026-12-15' }, ANA, 'owner', NOW),
      );
      assert.equal(lead.nurture?.nextTouchAt, '2026-12-15T00:00:00.000Z');
      assert.equal(lead.nurture?.touches.length, 1);
    });

    it('logs the first touch of a claimed lead with no schedule, which ends its first-touch reminder', () => {
      const claimed = makeLead('claimed');
      assert.equal(withFollowUp(claimed, DEFAULT_POLICY).followUp?.kind, 'first-touch');
      const { lead } = ok(decide(claimed, { verb: 'touch', note: 'Called' }, ANA, 'owner', NOW));
      assert.equal(lead.firstTouchAt, NOW.toISOString());
      assert.equal(lead.nurture, undefined);
      assert.equal(lead.followUp, undefined);
    });

    it('says only the owner can log a touch (the verb and the owner as keys; the card puts them in words)', () => {
      assert.deepEqual(
        refused(decide(makeLead('nurturing'), { verb: 'touch' }, MAYA, 'manager', NOW), 'lead.owner-only').params,
        { owner: 'Ana Souza', verb: 'touch' },
      );
    });
  });

  // ─── erase ────────────────────────────────────────────────────────────────

  describe('erase', () => {
    it('removes names, email, phone and title but keeps company and country', () => {
      const { lead } = ok(decide(makeLead('qualified'), { verb: 'erase' }, MAYA, 'manager', NOW));
      assert.deepEqual(lead.contact, { company: 'Fabrikam Logistics GmbH', country: 'DE' });
      assert.equal(lead.status, 'qualified');
    });

    it('leaves no personal data anywhere in the lead: raw payloads, free text and dedupe key included', () => {
      const { lead } = ok(decide(makeLead('claimed'), { verb: 'erase' }, MAYA, 'manager', NOW));
      const json = JSON.stringify(lead);
      for (const value of PERSONAL) assert.ok(!json.includes(value), `erased lead still holds ${value}`);
      assert.deepEqual(lead.raw, []);
      assert.equal(lead.description, undefined);
      assert.match(lead.dedupeKey, /^erased:[0-9a-f]{64}$/);
    });

    it('names the erased fields in the event, never their values', () => {
      const { event } = ok(decide(makeLead('claimed'), { verb: 'erase' }, MAYA, 'manager', NOW));
      assert.deepEqual(event.data, {
        erased: ['firstName', 'lastName', 'email', 'phone', 'title', 'description', 'signals.description', 'raw'],
      });
    });

    it('records when, so the card can say so; an erased lead is not claimed and nobody is reminded of it', () => {
      const { lead } = ok(decide(makeLead('new'), { verb: 'erase' }, MAYA, 'manager', NOW));
      assert.equal(lead.erasedAt, NOW.toISOString());
      assert.equal(lead.followUp, undefined, 'no unclaimed reminder about a person nobody can contact');
      const claim = refused(decide(lead, { verb: 'claim' }, ANA, 'seller', NOW), 'lead.erased');
      assert.match(claim.message, /personal data of this lead was erased/);
    });

    it('erases an already erased lead again without changing its key or the time of the first erase', () => {
      const once = ok(decide(makeLead('claimed'), { verb: 'erase' }, MAYA, 'manager', NOW)).lead;
      const later = new Date(NOW.getTime() + 60_000);
      const twice = ok(decide(once, { verb: 'erase' }, MAYA, 'manager', later)).lead;
      assert.equal(twice.dedupeKey, once.dedupeKey);
      assert.equal(twice.rev, once.rev + 1);
      assert.equal(twice.erasedAt, once.erasedAt);
    });
  });

  // ─── purity and the rest ──────────────────────────────────────────────────

  describe('purity', () => {
    it('returns a new lead and leaves the input, nested objects included, as it was', () => {
      const input = makeLead('nurturing');
      const before = structuredClone(input);
      const { lead } = ok(
        decide(input, { verb: 'touch', note: 'Called', nextTouchAt: '2026-12-09' }, ANA, 'owner', NOW),
      );
      assert.deepEqual(input, before);
      assert.notEqual(lead.nurture, input.nurture);
      assert.notEqual(lead.delivery, input.delivery);
    });

    it('increments rev once per decision', () => {
      const claimed = ok(decide(makeLead('new'), { verb: 'claim' }, ANA, 'seller', NOW)).lead;
      const qualified = ok(decide(claimed, COMMANDS.qualify, ANA, 'owner', NOW)).lead;
      assert.deepEqual([claimed.rev, qualified.rev], [4, 5]);
    });

    it('refuses a verb it does not know', () => {
      refused(
        decide(makeLead('claimed'), { verb: 'teleport' } as unknown as Command, ANA, 'owner', NOW),
        'action.unknown-verb',
      );
    });
  });

  describe('timeToClaimMs', () => {
    it('is undefined for an unclaimed lead', () => {
      assert.equal(timeToClaimMs(makeLead('new')), undefined);
    });

    it('measures from arrival to claim', () => {
      assert.equal(timeToClaimMs(makeLead('claimed')), 60_000);
    });
  });
});
