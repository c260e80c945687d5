/**
 * The cards a seller sees, checked as Teams would receive them: every template expanded with every fixture
 * passes the adaptivecards parser/validator and our Teams checks, the Claim button shows only when a lead
 * can be claimed, and missing contact fields disappear instead of showing "undefined".
 */
import assert from 'node:assert/strict';
import {
  expandTemplate,
  leadCard,
  leadCardData,
  subscriptionCard,
  testLeadCard,
  welcomeCard,
  type AdaptiveCard,
} from '../../../src/teams/views/cards';
import { lintCard } from '../../support/cardLint';
import { pipelineFixtureCard, reminderViews } from '../../support/cardRenderer';
import { ANA, FIXTURE_NOW, leadInEveryStatus, makeLead } from '../../support/leadFixtures';

// ─── builders ───────────────────────────────────────────────────────────────

function lead(name: string) {
  const found = leadInEveryStatus().find((l) => l.name === name);
  assert.ok(found, `no fixture named ${name}`);
  return found.lead;
}

function objects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objects);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [o, ...Object.values(o).flatMap(objects)];
  }
  return [];
}

function executeActions(card: AdaptiveCard) {
  return objects(card).filter((o) => o.type === 'Action.Execute');
}

function allActions(card: AdaptiveCard) {
  return objects(card).filter((o) => typeof o.type === 'string' && o.type.startsWith('Action.'));
}

function facts(card: AdaptiveCard): Record<string, string> {
  const list = objects(card)
    .filter((o) => o.type === 'FactSet')
    .flatMap((o) => o.facts as { title: string; value: string }[]);
  return Object.fromEntries(list.map((f) => [f.title, f.value]));
}

const text = (card: AdaptiveCard) => JSON.stringify(card);

// ─── templates are valid for Teams ──────────────────────────────────────────

describe('teams/cards: templates', () => {
  it('expands the lead card and the test-lead note for every fixture with zero lint problems', () => {
    for (const { name, lead: l } of leadInEveryStatus()) {
      assert.deepEqual(lintCard(leadCard(l, FIXTURE_NOW)), [], `lead card, ${name}`);
      assert.deepEqual(lintCard(testLeadCard(l, FIXTURE_NOW)), [], `test-lead note, ${name}`);
    }
  });

  it('expands the welcome and subscription cards with zero lint problems', () => {
    assert.deepEqual(lintCard(welcomeCard({ channelName: 'General', filterText: 'all leads' })), []);
    assert.deepEqual(
      lintCard(subscriptionCard({ title: 'Subscribed', text: 'This channel now receives AppSource leads.' })),
      [],
    );
  });

  it('expands the reminder card, one lead or a digest, with zero lint problems and no unresolved time', () => {
    for (const view of reminderViews()) {
      assert.deepEqual(lintCard(view.card), [], view.name);
      assert.doesNotMatch(text(view.card), /undefined/, view.name);
    }
    const [single, , digest] = reminderViews();
    assert.equal(executeActions(single.card).filter((a) => a.verb === 'snooze').length, 2, 'Snooze 1 day and 1 week');
    assert.deepEqual([...new Set(executeActions(single.card).map((a) => a.verb))].sort(), [
      'qualify',
      'reject',
      'snooze',
      'touch',
    ]);
    assert.equal(
      executeActions(digest.card).filter((a) => a.verb === 'qualify').length,
      0,
      'a digest line has no forms (input ids are per card)',
    );
    assert.equal(objects(digest.card).filter((o) => o.type === 'Action.OpenUrl').length, 3, 'a link to each lead');
    assert.match(
      text(single.card),
      /\{\{DATE\(2026-[0-9-]+T[0-9:]+Z, SHORT\)\}\} \{\{TIME\(/,
      'times in the reader’s own zone',
    );
  });

  it('expands the pipeline summary card with zero lint problems, its numbers and a link to each hot unowned lead', () => {
    const card = pipelineFixtureCard();
    assert.deepEqual(lintCard(card), []);
    assert.match(text(card), /Pipeline · This week/);
    assert.equal(facts(card).Qualified, '1');
    assert.match(facts(card)['Time to claim'], /^median/);
    assert.equal(
      objects(card).filter((o) => o.type === 'Action.OpenUrl').length,
      0,
      'fixture leads were never posted: no links to invent',
    );
  });

  it('expands every template through expandTemplate with card version 1.5 and a fallback text', () => {
    const data = leadCardData(makeLead(), FIXTURE_NOW);
    for (const [name, d] of [
      ['lead', data],
      ['testLead', data],
      ['welcome', { channelName: 'Sales', filterText: 'all leads' }],
      ['subscription', { title: 'Subscribed', text: 'This channel now receives all leads.' }],
    ] as const) {
      const card = expandTemplate(name, d);
      assert.equal(card.version, '1.5', name);
      assert.equal(typeof card.fallbackText, 'string', name);
      assert.ok((card.fallbackText as string).length > 10, name);
    }
  });

  it('reports leftover bindings, a version above 1.5 and an Action.Execute without a verb', () => {
    const problems = lintCard({
      type: 'AdaptiveCard',
      version: '1.6',
      body: [{ type: 'TextBlock', text: 'Hi ${nobody}' }],
      actions: [{ type: 'Action.Execute', title: 'Claim' }],
    });
    assert.ok(
      problems.some((p) => p.includes('${nobody}')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('1.6')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('has no verb')),
      problems.join('\n'),
    );
  });
});

// ─── the Claim button ───────────────────────────────────────────────────────

describe('teams/cards: Claim button', () => {
  it('offers a Claim button with verb claim and the lead id on a new lead', () => {
    const l = makeLead();
    const actions = executeActions(leadCard(l, FIXTURE_NOW));
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, 'Claim');
    assert.equal(actions[0].verb, 'claim');
    assert.deepEqual(actions[0].data, { leadId: l.id });
  });

  const noClaim: [fixture: string, who: string][] = [
    ['do not contact', 'a cross-listed do-not-contact lead'],
    ['test lead', 'a Partner Center test lead'],
    ['claimed', 'a lead someone already claimed'],
    ['nurturing', 'a lead in nurturing'],
    ['qualified', 'a qualified lead'],
    ['rejected', 'a rejected lead'],
  ];
  for (const [name, who] of noClaim) {
    it(`shows no Claim button for ${who}`, () => {
      assert.deepEqual(
        executeActions(leadCard(lead(name), FIXTURE_NOW)).filter((a) => a.verb === 'claim'),
        [],
      );
    });
  }

  it('tells the seller not to contact a cross-listed lead', () => {
    assert.match(
      text(leadCard(lead('do not contact'), FIXTURE_NOW)),
      /Do not contact: cross-listed notice, no action needed/,
    );
  });

  it('puts no actions at all on the test-lead note', () => {
    const card = testLeadCard(lead('test lead'), FIXTURE_NOW);
    assert.deepEqual(allActions(card), []);
    assert.match(text(card), /Partner Center test lead received: your endpoint works/);
    assert.match(text(card), /Contoso Analytics for Dynamics 365/);
  });
});

// ─── what the seller reads ──────────────────────────────────────────────────

describe('teams/cards: lead card content', () => {
  it('shows who the lead is and how to reach them, since the card is for sellers', () => {
    const card = leadCard(makeLead(), FIXTURE_NOW);
    for (const s of [
      'Jamie Müller-Lindqvist',
      'Head of Finance Operations',
      'Fabrikam Logistics GmbH',
      'Contoso Analytics for Dynamics 365',
      'AppSource',
      'Contact me',
      '🔥 Hot',
    ]) {
      assert.ok(text(card).includes(s), `missing ${s}`);
    }
    const f = facts(card);
    assert.equal(f.Email, '[jamie.mueller@fabrikam.example](mailto:jamie.mueller@fabrikam.example)');
    assert.equal(f.Phone, '+49 30 1234 5678');
    assert.equal(f.Country, 'DE');
    assert.equal(
      f.Received,
      '{{DATE(2026-11-24T14:05:00Z, SHORT)}} {{TIME(2026-11-24T14:05:00Z)}}',
      'in the reader’s own time zone',
    );
  });

  it('never shows the text undefined or null, whatever contact fields are missing', () => {
    const empty = makeLead({
      contact: {},
      description: undefined,
      source: { ...makeLead().source, offer: '', offerTitle: undefined },
    });
    for (const { name, lead: l } of [...leadInEveryStatus(), { name: 'empty contact', lead: empty }]) {
      for (const card of [leadCard(l, FIXTURE_NOW), testLeadCard(l, FIXTURE_NOW)]) {
        assert.doesNotMatch(text(card), /\bundefined\b|\bnull\b/, name);
      }
    }
  });

  it('leaves out the facts a lead with only an email does not have', () => {
    const f = facts(leadCard(lead('minimal contact (email only) with merged signals'), FIXTURE_NOW));
    assert.deepEqual(Object.keys(f), ['Email', 'Received']);
  });

  it('uses the offer id when the offer has no title', () => {
    assert.match(
      text(leadCard(lead('minimal contact (email only) with merged signals'), FIXTURE_NOW)),
      /contoso\.vm-offer/,
    );
  });

  it('lists the merged signals only when there is more than one', () => {
    assert.match(
      text(leadCard(lead('minimal contact (email only) with merged signals'), FIXTURE_NOW)),
      /Contact me → Free trial/,
    );
    assert.doesNotMatch(text(leadCard(makeLead(), FIXTURE_NOW)), /Signals:/);
  });

  it('says in one line whether a lead is new or who has it and how fast they claimed it', () => {
    const status = (name: string) => leadCardData(lead(name), FIXTURE_NOW).statusText;
    assert.equal(status('new'), 'New · unclaimed · received 2 min ago');
    assert.equal(status('claimed'), 'Claimed by Ana Souza · 2 min after arrival');
    assert.equal(status('nurturing'), 'Nurturing by Ana Souza · next touch {{DATE(2026-12-01T09:00:00Z, SHORT)}}');
    assert.equal(status('qualified'), 'Qualified by Ana Souza · rated 🔥 Hot');
    assert.equal(status('rejected'), 'Rejected by Ana Souza · Not a fit');
    const late = makeLead({ status: 'claimed', owner: ANA, claimedAt: '2026-11-24T16:20:00.000Z' });
    assert.equal(leadCardData(late, FIXTURE_NOW).statusText, 'Claimed by Ana Souza · 2 h 15 min after arrival');
  });

  it('shows the received time with the Adaptive Card DATE and TIME functions, so each reader sees their own zone', () => {
    const data = leadCardData(makeLead({ createdAt: '2026-01-05T03:09:59.999Z' }), FIXTURE_NOW);
    assert.equal(data.receivedText, '{{DATE(2026-01-05T03:09:59Z, SHORT)}} {{TIME(2026-01-05T03:09:59Z)}}');
  });
});

// ─── welcome and subscription ───────────────────────────────────────────────

describe('teams/cards: welcome and subscription', () => {
  it('tells the team which channel receives leads and how to change it', () => {
    const card = text(welcomeCard({ channelName: 'Sales leads', filterText: 'AppSource leads for offer "analytics"' }));
    assert.match(card, /Sales leads/);
    assert.ok(card.includes('AppSource leads for offer \\"analytics\\"'));
    for (const cmd of [
      '@Lead Desk subscribe [appsource|azure|all] [offer TEXT] [country CODE]',
      '@Lead Desk unsubscribe',
      '@Lead Desk help',
    ]) {
      assert.ok(card.includes(cmd), `missing ${cmd}`);
    }
    assert.deepEqual(allActions(welcomeCard({ channelName: 'x', filterText: 'y' })), []);
  });

  it('confirms a subscription change with the given title and text', () => {
    const card = text(subscriptionCard({ title: 'Unsubscribed', text: 'This channel no longer receives leads.' }));
    assert.match(card, /Unsubscribed/);
    assert.match(card, /This channel no longer receives leads\./);
  });
});

describe('teams/cards: customer text cannot plant links', () => {
  it('a markdown link in the note or name is broken apart, and an odd email is not made a mailto link', () => {
    const { makeLead } = require('../../support/leadFixtures') as typeof import('../../support/leadFixtures');
    const { leadCard } = require('../../../src/teams/views/cards') as typeof import('../../../src/teams/views/cards');
    const lead = makeLead({
      description: 'See [your invoice](https://evil.example/pay)',
      contact: { firstName: '[Click](https://evil.example)', email: 'a)b@x.com' },
    });
    const text = JSON.stringify(leadCard(lead, new Date()));
    assert.equal(text.includes('](https://evil.example'), false);
    assert.equal(text.includes('mailto:a)b'), false);
  });
});

describe('teams/cards: templates are compiled once', () => {
  it('expanding the same template again, for leads in every status, gives the same card as a fresh expansion', () => {
    const ACData = require('adaptivecards-templating') as typeof import('adaptivecards-templating');
    const { leadInEveryStatus } = require('../../support/leadFixtures') as typeof import('../../support/leadFixtures');
    const { leadCard, leadCardData } =
      require('../../../src/teams/views/cards') as typeof import('../../../src/teams/views/cards');
    const { wordsOf } = require('../../../src/i18n') as typeof import('../../../src/i18n');
    const template = require('../../../cards/lead.json');
    const now = new Date('2026-11-24T12:00:00Z');
    for (let round = 0; round < 2; round++) {
      for (const entry of leadInEveryStatus() as unknown[]) {
        const lead = ((entry as { lead?: unknown }).lead ?? entry) as Parameters<typeof leadCard>[0];
        const words = { t: wordsOf('en', 'card') };
        const fresh = new ACData.Template(template).expand({ $root: { ...leadCardData(lead, now), ...words } });
        const dropNull = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(dropNull)
            : v && typeof v === 'object'
              ? Object.fromEntries(
                  Object.entries(v)
                    .filter(([, x]) => x !== null)
                    .map(([k, x]) => [k, dropNull(x)]),
                )
              : v;
        assert.deepEqual(leadCard(lead, now), { ...(dropNull(fresh) as object), lang: 'en' });
      }
    }
  });
});
