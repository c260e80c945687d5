/**
 * Who sees which buttons on a lead, checked on the cards Teams would receive: every view expanded for every status
 * and role passes the adaptivecards validator and our Teams checks, every Action.Execute carries an Action.Submit
 * fallback for clients without universal actions, the owner gets the owner's buttons and nobody else does, and the
 * shared card asks Teams to refresh only the users it names.
 */
import assert from 'node:assert/strict';
import { REJECT_REASONS, type Lead } from '../../../src/leads/lead';
import { MAX_REFRESH_USERS, leadCard, type AdaptiveCard } from '../../../src/teams/views/cards';
import {
  FORM_INPUTS,
  HISTORY_ROWS,
  errorView,
  historyView,
  ownerView,
  reasonInWords,
  refusalView,
  verbInWords,
  viewFor,
  type ViewOptions,
} from '../../../src/teams/views/leadViews';
import { MAX_CARD_BYTES, lintCard } from '../../support/cardLint';
import {
  ANA,
  BEN,
  FIXTURE_NOW,
  MAYA,
  TEAM,
  claimedByAna,
  handOverEvents,
  leadInEveryStatus,
  makeLead,
  nurtureEvents,
  nurturingWithTouches,
  qualifiedLead,
  rejectedLead,
} from '../../support/leadFixtures';

// ─── builders ───────────────────────────────────────────────────────────────

const ROLES = ['owner', 'manager', 'seller'] as const;
const OWNER_BUTTONS = ['Qualify', 'Reject', 'Nurture', 'Log touch', 'Release'];
const MANAGER_BUTTONS = ['Reassign', 'Reopen'];

function everyLead(): { name: string; lead: Lead }[] {
  return [
    ...leadInEveryStatus(),
    { name: 'claimed by Ana', lead: claimedByAna() },
    { name: 'nurturing with touches', lead: nurturingWithTouches() },
    { name: 'qualified with a qualification', lead: qualifiedLead() },
    { name: 'rejected with a reason and notes', lead: rejectedLead() },
  ];
}

function opts(role: ViewOptions['role'], extra: Partial<ViewOptions> = {}): ViewOptions {
  return { now: FIXTURE_NOW, role, members: TEAM, ...extra };
}

/** Every card a view function can return, for one lead. */
function everyView(lead: Lead): { name: string; card: AdaptiveCard }[] {
  const views = [
    { name: 'shared, no refresh', card: leadCard(lead, FIXTURE_NOW, []) },
    { name: 'shared, refresh', card: leadCard(lead, FIXTURE_NOW, [ANA.id, MAYA.id]) },
    { name: 'refusal', card: refusalView(lead, FIXTURE_NOW, 'Already claimed by Ana Souza.') },
    { name: 'history', card: historyView(lead, FIXTURE_NOW, [...nurtureEvents(lead.id), ...handOverEvents(lead.id)]) },
    { name: 'history, empty', card: historyView(lead, FIXTURE_NOW, []) },
    { name: 'error', card: errorView('That lead no longer exists.') },
  ];
  for (const role of ROLES) {
    views.push({
      name: `owner view as ${role}`,
      card: ownerView(lead, opts(role, { notice: 'You claimed this lead.' })),
    });
    views.push({
      name: `owner view as ${role}, refusal notice`,
      card: ownerView(lead, opts(role, { notice: 'Only a manager can reopen a lead.', noticeStyle: 'attention' })),
    });
    views.push({ name: `view for ${role}`, card: viewFor(lead, opts(role)) });
    views.push({
      name: `view for ${role}, no members`,
      card: viewFor(lead, opts(role, { members: undefined, viewerId: ANA.id })),
    });
  }
  return views;
}

function objects(value: unknown, path = '$'): { path: string; o: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objects(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [{ path, o }, ...Object.entries(o).flatMap(([k, v]) => objects(v, `${path}.${k}`))];
  }
  return [];
}

/** Titles of every button anywhere in the card, inside forms too (fallbacks are not buttons of their own). */
function buttons(card: AdaptiveCard): string[] {
  return objects(card)
    .filter(
      ({ path, o }) =>
        typeof o.type === 'string' &&
        o.type.startsWith('Action.') &&
        !path.endsWith('.fallback') &&
        !path.startsWith('$.refresh'),
    )
    .map(({ o }) => String(o.title));
}

function showCard(card: AdaptiveCard, title: string): Record<string, unknown> {
  const found = objects(card).find(({ o }) => o.type === 'Action.ShowCard' && o.title === title);
  assert.ok(found, `no ${title} form among ${buttons(card).join(', ')}`);
  return found.o.card as Record<string, unknown>;
}

function inputs(form: Record<string, unknown>): Record<string, unknown>[] {
  return objects(form)
    .map(({ o }) => o)
    .filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'));
}

function input(form: Record<string, unknown>, id: string): Record<string, unknown> {
  const found = inputs(form).find((i) => i.id === id);
  assert.ok(found, `no input ${id}`);
  return found;
}

function texts(card: AdaptiveCard): string[] {
  return objects(card)
    .filter(({ o }) => o.type === 'TextBlock')
    .map(({ o }) => String(o.text));
}

const json = (card: AdaptiveCard) => JSON.stringify(card);

// ─── every view is valid for Teams ─────────────────────────────────────────

describe('teams/leadViews: every view for every status and role', () => {
  it('has zero lint problems, no leftover binding and stays under 28 KB', () => {
    for (const { name, lead } of everyLead()) {
      for (const view of everyView(lead)) {
        const label = `${view.name}, ${name}`;
        assert.deepEqual(lintCard(view.card), [], label);
        assert.ok(!json(view.card).includes('${'), `${label} has a leftover binding`);
        assert.ok(Buffer.byteLength(json(view.card)) < MAX_CARD_BYTES, `${label} is too big`);
        assert.doesNotMatch(json(view.card), /\bundefined\b|\bnull\b/, label);
      }
    }
  });

  it('gives every Action.Execute a verb and an Action.Submit fallback that sends { verb, leadId, ...the same data }', () => {
    for (const { name, lead } of everyLead()) {
      for (const view of everyView(lead)) {
        for (const { path, o } of objects(view.card)) {
          if (o.type !== 'Action.Execute' || path === '$.refresh.action') continue;
          const label = `${view.name}, ${name}, ${path} (${String(o.title)})`;
          assert.equal(typeof o.verb, 'string', label);
          const data = o.data as Record<string, unknown>;
          assert.equal(data.leadId, lead.id, label);
          const fallback = o.fallback as Record<string, unknown> | undefined;
          assert.equal(fallback?.type, 'Action.Submit', label);
          assert.equal(fallback?.title, o.title, label);
          assert.deepEqual(fallback?.data, { verb: o.verb, ...data }, label);
        }
      }
    }
  });

  it('keeps a fully loaded manager view (30 sellers to pick from, long notes) under 28 KB', () => {
    const members = Array.from({ length: 30 }, (_, i) => ({
      id: `29:seller-${i}-${'x'.repeat(40)}`,
      name: `Seller Number ${i} With A Long Name`,
    }));
    const lead = claimedByAna({
      qualification: { rating: 'warm', notes: 'n'.repeat(1000), budget: 'b'.repeat(1000), need: 'n'.repeat(1000) },
    });
    const card = ownerView(lead, opts('manager', { members, viewerId: ANA.id, notice: 'Reassigned.' }));
    assert.deepEqual(lintCard(card), []);
  });
});

// ─── who sees which buttons ─────────────────────────────────────────────────

describe('teams/leadViews: buttons by role and status', () => {
  it('shows Ana, the owner of a claimed lead, Qualify, Reject, Nurture, Log touch and Release', () => {
    const seen = buttons(viewFor(claimedByAna(), opts('owner')));
    for (const b of [...OWNER_BUTTONS, 'History']) assert.ok(seen.includes(b), `owner misses ${b}: ${seen.join(', ')}`);
    for (const b of [...MANAGER_BUTTONS, 'Claim']) assert.ok(!seen.includes(b), `owner sees ${b}`);
  });

  it('shows a seller who does not own the lead none of the owner buttons, on any status', () => {
    for (const { name, lead } of everyLead()) {
      for (const card of [viewFor(lead, opts('seller')), leadCard(lead, FIXTURE_NOW, [ANA.id])]) {
        const seen = buttons(card);
        for (const b of [...OWNER_BUTTONS, ...MANAGER_BUTTONS])
          assert.ok(!seen.includes(b), `${name}: seller sees ${b}`);
      }
    }
  });

  it('gives a seller the shared card without refresh, with Claim while the lead is new', () => {
    const fresh = viewFor(makeLead(), opts('seller'));
    assert.deepEqual(buttons(fresh), ['Claim']);
    assert.equal(fresh.refresh, undefined);
    assert.deepEqual(buttons(viewFor(claimedByAna(), opts('seller'))), ['My actions', 'History']);
  });

  it('shows the owner of a nurturing lead Qualify, Reject and Log touch, but not Nurture or Release', () => {
    const seen = buttons(viewFor(nurturingWithTouches(), opts('owner')));
    for (const b of ['Qualify', 'Reject', 'Log touch']) assert.ok(seen.includes(b), `missing ${b}`);
    for (const b of ['Nurture', 'Release']) assert.ok(!seen.includes(b), `shows ${b}`);
  });

  it('shows a manager Reassign on claimed and nurturing leads, with the team minus the owner as choices', () => {
    for (const lead of [claimedByAna(), nurturingWithTouches()]) {
      const card = viewFor(lead, opts('manager'));
      for (const b of ['Qualify', 'Reject', 'Reassign'])
        assert.ok(buttons(card).includes(b), `${lead.status}: missing ${b}`);
      const assignee = input(showCard(card, 'Reassign'), 'assignee');
      assert.equal(assignee.isRequired, true);
      assert.deepEqual(
        assignee.choices,
        TEAM.filter((m) => m.id !== ANA.id).map((m) => ({ title: m.name, value: `${m.id}|${m.name}` })),
      );
    }
  });

  it('leaves Nurture and Log touch (owner only in the lifecycle) to a manager who owns the lead', () => {
    assert.ok(!buttons(viewFor(claimedByAna(), opts('manager'))).includes('Nurture'));
    assert.ok(!buttons(viewFor(claimedByAna(), opts('manager'))).includes('Log touch'));
    const mine = buttons(viewFor(claimedByAna({ owner: MAYA }), opts('manager', { viewerId: MAYA.id })));
    for (const b of [...OWNER_BUTTONS, 'Reassign']) assert.ok(mine.includes(b), `manager-owner misses ${b}`);
  });

  it('shows Reassign only when there is someone to hand the lead to', () => {
    assert.ok(!buttons(viewFor(claimedByAna(), opts('manager', { members: [] }))).includes('Reassign'));
    assert.ok(
      !buttons(viewFor(claimedByAna(), opts('manager', { members: [{ id: ANA.id, name: ANA.name }] }))).includes(
        'Reassign',
      ),
    );
  });

  it('shows Reopen to a manager only on closed (qualified or rejected) leads', () => {
    for (const { name, lead } of everyLead()) {
      const closed = lead.status === 'qualified' || lead.status === 'rejected';
      assert.equal(buttons(viewFor(lead, opts('manager'))).includes('Reopen'), closed, `manager, ${name}`);
      assert.ok(!buttons(viewFor(lead, opts('owner'))).includes('Reopen'), `owner, ${name}`);
    }
  });

  it('gives the owner of a closed lead nothing but History', () => {
    assert.deepEqual(buttons(viewFor(qualifiedLead(), opts('owner'))), ['History']);
    assert.deepEqual(buttons(viewFor(rejectedLead(), opts('owner'))), ['History']);
  });

  it('lets a manager claim a new lead from their own view', () => {
    const card = viewFor(makeLead(), opts('manager'));
    assert.deepEqual(buttons(card), ['Claim', 'History']);
  });

  it('puts the clicking user notice on top in the colour of its style', () => {
    const good = ownerView(claimedByAna(), opts('owner', { notice: 'You claimed this lead.' }));
    const body = good.body as Record<string, unknown>[];
    assert.equal(body[0].style, 'good');
    assert.match(json(body[0]), /You claimed this lead\./);
    const bad = ownerView(
      claimedByAna(),
      opts('owner', { notice: 'Only a manager can reopen a lead.', noticeStyle: 'attention' }),
    );
    assert.equal((bad.body as Record<string, unknown>[])[0].style, 'attention');
    assert.ok(!json(ownerView(claimedByAna(), opts('owner'))).includes('"style":"good"'));
  });

  it('shows what a closed lead ended with: the qualification or the rejection reason in words', () => {
    const q = json(viewFor(qualifiedLead(), opts('manager')));
    for (const s of [
      '40k EUR a year',
      'Margin reporting per warehouse',
      'Go-live in Q1',
      'Yes, they decide',
      'CFO joins the demo on Tuesday',
    ])
      assert.ok(q.includes(s), s);
    const r = json(viewFor(rejectedLead(), opts('manager')));
    for (const s of ['No budget', 'Frozen until next fiscal year']) assert.ok(r.includes(s), s);
  });
});

// ─── forms ──────────────────────────────────────────────────────────────────

describe('teams/leadViews: forms', () => {
  const card = () => viewFor(claimedByAna(), opts('owner'));

  it('names each form input as FORM_INPUTS says, so the action parser reads the same ids', () => {
    const c = viewFor(claimedByAna({ owner: MAYA }), opts('manager', { viewerId: MAYA.id }));
    const forms = {
      qualify: 'Qualify',
      reject: 'Reject',
      nurture: 'Nurture',
      touch: 'Log touch',
      reassign: 'Reassign',
    } as const;
    for (const [verb, title] of Object.entries(forms) as [keyof typeof forms, string][]) {
      const form = showCard(c, title);
      assert.deepEqual(
        inputs(form).map((i) => i.id),
        [...FORM_INPUTS[verb]],
        title,
      );
      const submit = objects(form)
        .map(({ o }) => o)
        .find((o) => o.type === 'Action.Execute');
      assert.equal(submit?.verb, verb, title);
    }
  });

  it('requires a reject reason and lists all 8 reasons in words', () => {
    const reason = input(showCard(card(), 'Reject'), 'reason');
    assert.equal(reason.isRequired, true);
    assert.equal(reason.errorMessage, 'Pick a reason to reject the lead.');
    const choices = reason.choices as { title: string; value: string }[];
    assert.deepEqual(
      choices.map((c) => c.value),
      [...REJECT_REASONS],
    );
    assert.equal(choices.length, 8);
    for (const c of choices) assert.doesNotMatch(c.title, /-/, c.title);
    assert.deepEqual(
      choices.map((c) => c.title),
      REJECT_REASONS.map((r) => reasonInWords(r)),
    );
  });

  it('asks for BANT, a required hot/warm/cold rating and multiline notes on Qualify', () => {
    const form = showCard(card(), 'Qualify');
    const rating = input(form, 'rating');
    assert.equal(rating.isRequired, true);
    assert.deepEqual(
      (rating.choices as { value: string }[]).map((c) => c.value),
      ['hot', 'warm', 'cold'],
    );
    assert.equal(input(form, 'notes').isMultiline, true);
    assert.equal(input(form, 'authority').label, 'Decision maker?');
    for (const id of ['budget', 'need', 'timeframe']) assert.equal(input(form, id).type, 'Input.Text');
  });

  it('prefills Qualify with an earlier qualification when a manager looks at a reopened lead', () => {
    const reopened = { ...qualifiedLead(), status: 'claimed' as const };
    const form = showCard(viewFor(reopened, opts('owner')), 'Qualify');
    assert.equal(input(form, 'budget').value, '40k EUR a year');
    assert.equal(input(form, 'rating').value, 'hot');
  });

  it('requires the next touch date on Nurture, from today on, with an optional time', () => {
    const form = showCard(card(), 'Nurture');
    const date = input(form, 'nextTouchDate');
    assert.equal(date.type, 'Input.Date');
    assert.equal(date.isRequired, true);
    assert.equal(date.min, '2026-11-24');
    const time = input(form, 'nextTouchTime');
    assert.equal(time.type, 'Input.Time');
    assert.notEqual(time.isRequired, true);
  });

  it('makes the Log touch date optional: a snooze once the lead has a schedule, the first touch before', () => {
    assert.equal(
      input(showCard(viewFor(nurturingWithTouches(), opts('owner')), 'Log touch'), 'snoozeDate').isRequired,
      false,
    );
    assert.equal(input(showCard(card(), 'Log touch'), 'snoozeDate').isRequired, false);
    assert.ok(
      texts(viewFor(nurturingWithTouches(), opts('owner'))).includes(
        '2 touches logged · last {{DATE(2026-11-26T10:30:00Z, SHORT)}} {{TIME(2026-11-26T10:30:00Z)}}',
      ),
    );
  });
});

// ─── the shared card ────────────────────────────────────────────────────────

describe('teams/leadViews: shared card', () => {
  it('asks Teams to refresh exactly the users it is given, with verb refresh and the lead id', () => {
    const card = leadCard(claimedByAna(), FIXTURE_NOW, [ANA.id, MAYA.id]);
    const refresh = card.refresh as { action: Record<string, unknown>; userIds: string[] };
    assert.deepEqual(refresh.userIds, [ANA.id, MAYA.id]);
    assert.deepEqual(refresh.action, { type: 'Action.Execute', verb: 'refresh', data: { leadId: claimedByAna().id } });
  });

  it('has no refresh at all when nobody is listed (never an empty userIds)', () => {
    const card = leadCard(claimedByAna(), FIXTURE_NOW, []);
    assert.ok(!('refresh' in card));
    assert.ok(!json(card).includes('userIds'));
  });

  it('lists each user once and at most 60, the Teams auto-refresh limit', () => {
    const ids = Array.from({ length: 70 }, (_, i) => `29:user-${i}`);
    const refresh = leadCard(claimedByAna(), FIXTURE_NOW, [ANA.id, ANA.id, ...ids]).refresh as { userIds: string[] };
    assert.equal(refresh.userIds.length, MAX_REFRESH_USERS);
    assert.equal(refresh.userIds.filter((id) => id === ANA.id).length, 1);
  });

  it('says for everyone who claimed it and how fast, and offers History once claimed', () => {
    const card = leadCard(claimedByAna(), FIXTURE_NOW, [ANA.id]);
    assert.ok(texts(card).includes('Claimed by Ana Souza · 2 min after arrival'));
    assert.deepEqual(buttons(card), ['My actions', 'History']);
    assert.deepEqual(buttons(leadCard(makeLead(), FIXTURE_NOW, [])), ['Claim']);
  });
});

// ─── refusal, history, error ────────────────────────────────────────────────

describe('teams/leadViews: refusal, history and error', () => {
  it('shows the refusal sentence first, in attention colour, then the lead as it is now, with History only', () => {
    const card = refusalView(claimedByAna(), FIXTURE_NOW, 'Already claimed by Ana Souza.');
    const first = (card.body as Record<string, unknown>[])[0];
    assert.equal(first.style, 'attention');
    assert.match(json(first), /Already claimed by Ana Souza\./);
    assert.ok(texts(card).includes('Claimed by Ana Souza · 2 min after arrival'));
    assert.deepEqual(buttons(card), ['History']);
    assert.match(String(card.fallbackText), /^Already claimed by Ana Souza\./);
  });

  it('lists the events newest first as "<time> · <who> · <verb in words> (<from> → <to>)" with their notes', () => {
    const events = [...nurtureEvents(), ...handOverEvents()];
    const rows = texts(historyView(nurturingWithTouches(), FIXTURE_NOW, events)).slice(4);
    assert.deepEqual(rows, [
      '{{DATE(2026-11-27T08:20:00Z, SHORT)}} {{TIME(2026-11-27T08:20:00Z)}} · Ben Okafor · Rejected (claimed → rejected)',
      'Reason: No budget · Notes: Frozen until next fiscal year',
      '{{DATE(2026-11-27T08:15:00Z, SHORT)}} {{TIME(2026-11-27T08:15:00Z)}} · Maya Lindqvist · Reassigned (nurturing → claimed)',
      'To Ben Okafor',
      '{{DATE(2026-11-26T10:30:00Z, SHORT)}} {{TIME(2026-11-26T10:30:00Z)}} · Ana Souza · Logged a touch',
      'Next touch {{DATE(2026-12-01T09:00:00Z, SHORT)}} {{TIME(2026-12-01T09:00:00Z)}} · Note: Follow-up email',
      '{{DATE(2026-11-24T15:02:00Z, SHORT)}} {{TIME(2026-11-24T15:02:00Z)}} · Ana Souza · Started nurturing (claimed → nurturing)',
      'Next touch {{DATE(2026-11-26T09:00:00Z, SHORT)}} {{TIME(2026-11-26T09:00:00Z)}} · Note: Budget decision after their board meeting',
      '{{DATE(2026-11-24T15:00:00Z, SHORT)}} {{TIME(2026-11-24T15:00:00Z)}} · Ana Souza · Logged a touch',
      'Next touch {{DATE(2026-11-26T09:00:00Z, SHORT)}} {{TIME(2026-11-26T09:00:00Z)}} · Note: Intro call, sent pricing',
      '{{DATE(2026-11-24T14:07:00Z, SHORT)}} {{TIME(2026-11-24T14:07:00Z)}} · Ana Souza · Claimed (new → claimed)',
    ]);
  });

  it('shows a qualification in the history row and a Back button that refreshes the view', () => {
    const event = {
      leadId: 'l',
      at: '2026-11-25T10:00:00.000Z',
      verb: 'qualify',
      actor: BEN,
      from: 'claimed' as const,
      to: 'qualified' as const,
      data: { qualification: qualifiedLead().qualification },
    };
    const card = historyView(qualifiedLead(), FIXTURE_NOW, [event]);
    assert.ok(
      texts(card).includes(
        'Rated 🔥 Hot · Budget: 40k EUR a year · Need: Margin reporting per warehouse · Timeframe: Go-live in Q1 · Decision maker: Yes, they decide · Notes: CFO joins the demo on Tuesday',
      ),
    );
    assert.deepEqual(buttons(card), ['Back']);
    const back = objects(card).find(({ o }) => o.title === 'Back' && o.type === 'Action.Execute')!.o;
    assert.equal(back.verb, 'refresh');
  });

  it(`lists at most ${HISTORY_ROWS} events and says how many there are`, () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      leadId: 'l',
      at: new Date(Date.UTC(2026, 10, 24, 15, i)).toISOString(),
      verb: 'touch',
      actor: ANA,
    }));
    const card = historyView(nurturingWithTouches(), FIXTURE_NOW, many);
    assert.ok(texts(card).includes(`The latest ${HISTORY_ROWS} of 40 events, newest first.`));
    assert.equal(texts(card).filter((t) => t.includes('Logged a touch')).length, HISTORY_ROWS);
    assert.match(texts(card).find((t) => t.includes('Logged a touch'))!, /\{\{TIME\(2026-11-24T15:39:00Z\)\}\}/);
    assert.ok(texts(historyView(makeLead(), FIXTURE_NOW, [])).includes('Nothing has happened to this lead yet.'));
  });

  it('shows an error as one clear sentence with no buttons', () => {
    const card = errorView('This button is not something Lead Desk knows (explode).');
    assert.deepEqual(buttons(card), []);
    assert.ok(texts(card).includes('This button is not something Lead Desk knows (explode).'));
  });

  it('puts verbs and reasons in words', () => {
    assert.equal(verbInWords('touch'), 'Logged a touch');
    assert.equal(verbInWords('reassign'), 'Reassigned');
    assert.equal(verbInWords('some-new-verb'), 'Some new verb');
    assert.equal(reasonInWords('no-longer-interested'), 'No longer interested');
    assert.equal(reasonInWords('spam-or-test'), 'Spam or test');
  });
});
