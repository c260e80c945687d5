/**
 * Hostile or unlucky lead text on cards (issue 14): a 10 KB name, description, title, company … still gives cards Teams
 * accepts (under 28 KB for the whole activity, every view), shortened with an ellipsis while the lead keeps every
 * character; a right-to-left override in a name is not shown; and the reduced card carries the essentials only.
 */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import { cardActivity } from '../../../src/teams/views/activities';
import { leadCard, testLeadCard, type AdaptiveCard } from '../../../src/teams/views/cards';
import { cardText, fitCard, shorten } from '../../../src/teams/views/cardText';
import { historyView, ownerView, refusalView } from '../../../src/teams/views/leadViews';
import { reducedLeadCard } from '../../../src/teams/views/reducedCard';
import { reminderCard, reminderCards } from '../../../src/teams/views/reminderViews';
import { lintCard } from '../../support/cardLint';
import { ANA, FIXTURE_NOW, MAYA, TEAM, makeLead, nurtureEvents } from '../../support/leadFixtures';

/** Teams' message limit is about 28 KB; the whole serialized activity must stay under it. */
const TEAMS_LIMIT_BYTES = 28_000;
const KB10 = 10 * 1024;

/** `n` characters of `unit`, e.g. 10 KB of 'x' or of a three-byte character. */
const long = (unit: string, n = KB10) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function hugeLead(unit: string, overrides: Partial<Lead> = {}): Lead {
  const base = makeLead();
  return makeLead({
    contact: {
      firstName: long(unit, KB10 / 2),
      lastName: long(unit, KB10 / 2),
      email: `${long(unit)}@example.com`,
      phone: long('9'),
      country: long(unit),
      company: long(unit),
      title: long(unit),
    },
    description: long(unit),
    source: { ...base.source, offerTitle: long(unit), offer: long(unit) },
    signals: Array.from({ length: 40 }, () => ({ ...base.signals[0], description: long(unit) })),
    status: 'qualified',
    owner: { ...ANA, name: long(unit, 1000) },
    claimedAt: '2026-11-24T14:07:00.000Z',
    // What the lifecycle accepts at most (leads/inputs.ts: 1,000 characters a field).
    qualification: {
      rating: 'hot',
      budget: long(unit, 1000),
      need: long(unit, 1000),
      timeframe: long(unit, 1000),
      authority: 'yes',
      notes: long(unit, 1000),
    },
    nurture: {
      nextTouchAt: '2026-12-01T09:00:00.000Z',
      touches: [{ at: '2026-11-24T15:00:00.000Z', by: long(unit, 1000), note: long(unit, 1000) }],
    },
    followUp: { kind: 'nurture', dueAt: '2026-12-01T09:00:00.000Z' },
    ...overrides,
  });
}

function views(lead: Lead): [string, AdaptiveCard][] {
  const opts = { now: FIXTURE_NOW, members: TEAM.map((m) => ({ ...m, name: long(m.name, 200) })) };
  return [
    ['lead card', leadCard(lead, FIXTURE_NOW, [ANA.id, MAYA.id])],
    ['owner view (manager)', ownerView(lead, { ...opts, role: 'manager', notice: long('n', 2000) })],
    ['owner view (claimed, owner)', ownerView({ ...lead, status: 'claimed' }, { ...opts, role: 'owner' })],
    ['reminder card', reminderCard([{ lead: { ...lead, status: 'nurturing' }, kind: 'nurture' }], long('n', 2000))],
    ['test-lead card', testLeadCard({ ...lead, isTest: true, status: 'new' }, FIXTURE_NOW)],
    ['refusal', refusalView(lead, FIXTURE_NOW, long('r', 2000))],
    ['history', historyView(lead, FIXTURE_NOW, nurtureEvents(lead.id))],
    ['reduced card', reducedLeadCard(lead, FIXTURE_NOW)],
  ];
}

const activityBytes = (card: AdaptiveCard, summary: string) =>
  Buffer.byteLength(JSON.stringify(cardActivity(card, summary)));

describe('cards with hostile lead text', () => {
  for (const [what, unit] of [
    ['plain letters', 'x'],
    ['three-byte characters', '漢'],
    ['four-byte emoji', '🙂'],
    ['newlines and quotes (escaped in JSON)', '"\n'],
  ] as const) {
    it(`a lead with 10 KB fields of ${what} gives every view under 28 KB, shortened with an ellipsis`, () => {
      const lead = hugeLead(unit);
      const before = JSON.stringify(lead);
      for (const [name, card] of views(lead)) {
        const bytes = activityBytes(card, `New lead: ${lead.contact.firstName} ${lead.contact.lastName}`);
        assert.ok(bytes < TEAMS_LIMIT_BYTES, `${name}: ${bytes} bytes`);
        assert.deepEqual(lintCard(card), [], `${name} is still a valid card`);
      }
      const text = JSON.stringify(leadCard(lead, FIXTURE_NOW));
      assert.match(text, /…/, 'long fields end in an ellipsis');
      assert.equal(JSON.stringify(lead), before, 'the lead keeps every character');
    });
  }

  it('the summary (the notification line) is shortened too', () => {
    const activity = cardActivity({}, `New lead: ${long('x')}`);
    assert.ok(String(activity.summary).length <= 200);
    assert.ok(String(activity.summary).endsWith('…'));
  });

  it('a right-to-left override in a name is not shown on any card; the stored name keeps it', () => {
    const name = 'Rtlname\u202Egnp.exe';
    const lead = makeLead({
      contact: { ...makeLead().contact, firstName: name, lastName: 'Iso\u2066late\u2069', company: 'A\u200Fcme\u061C' },
      description: 'Mark\u200Ed \u202Atext\u202C',
    });
    for (const [what, card] of views(lead)) {
      assert.equal(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(JSON.stringify(card)), false, what);
    }
    assert.match(JSON.stringify(leadCard(lead, FIXTURE_NOW)), /Rtlnamegnp\.exe Isolate/);
    assert.equal(lead.contact.firstName, name);
  });

  it('control characters and lone surrogates are not shown; tabs and newlines are', () => {
    assert.equal(cardText('a\u0000b\u0007c\u001Bd\u009Be\tf\ng'), 'abcde\tf\ng');
    assert.equal(cardText('x\uD800y'), 'x\uFFFDy');
    assert.equal(cardText('😀'), '😀');
  });

  it('shortening never splits an emoji or a {{DATE()}} binding', () => {
    assert.equal(shorten('🙂🙂🙂🙂', 3), '🙂🙂…');
    const dated = `Due {{DATE(2026-12-01T09:00:00Z, SHORT)}} ${long('x', 50)}`;
    assert.equal(shorten(dated, 20), 'Due…');
    assert.equal(shorten('short', 20), 'short');
  });

  it('fitCard shortens readers’ text only: ids, verbs and prefilled inputs stay as they were', () => {
    const leadId = long('L', 300);
    const card: AdaptiveCard = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: long('t', 30_000) },
        { type: 'Input.Text', id: 'notes', value: long('v', 900) },
        { type: 'Input.ChoiceSet', id: 'assignee', choices: [{ title: 'Ana', value: long('c', 500) }] },
      ],
      actions: [{ type: 'Action.Execute', verb: 'claim', data: { leadId } }],
    };
    fitCard(card);
    const body = card.body as Record<string, any>[];
    assert.ok(Buffer.byteLength(JSON.stringify(card)) <= 24_000);
    assert.ok((body[0].text as string).endsWith('…'));
    assert.equal(body[1].value, long('v', 900));
    assert.equal(body[2].choices[0].value, long('c', 500));
    assert.equal((card.actions as any[])[0].data.leadId, leadId);
  });

  it('a digest of 15 reminders (or `mine` of 15 leads) is split into cards that each fit, every lead on one of them', () => {
    const lines = Array.from({ length: 15 }, (_, i) => ({
      lead: { ...hugeLead('x'), id: `L${'a'.repeat(24)}-${i}`, status: 'nurturing' as const },
      kind: 'nurture' as const,
    }));
    const cards = reminderCards(lines);
    assert.ok(cards.length > 1);
    for (const card of cards) assert.ok(activityBytes(card, '15 leads to follow up') < TEAMS_LIMIT_BYTES);
    const shown = cards.flatMap((c) => [...JSON.stringify(c).matchAll(/"leadId":"(L[^"]+)"/g)].map((m) => m[1]));
    assert.deepEqual([...new Set(shown)].sort(), lines.map((l) => l.lead.id).sort());
  });

  it('the reduced card keeps the essentials: name, offer, action, status and Claim; no contact or description', () => {
    const lead = hugeLead('x', { status: 'new', owner: undefined });
    const card = reducedLeadCard(lead, FIXTURE_NOW);
    const text = JSON.stringify(card);
    assert.ok(Buffer.byteLength(text) < 6_000, `${Buffer.byteLength(text)} bytes`);
    assert.match(text, /"verb":"claim"/);
    assert.match(text, /Shortened to fit in Teams/);
    assert.doesNotMatch(text, /example\.com|Email|Phone/);
    assert.deepEqual(lintCard(card), []);
  });
});
