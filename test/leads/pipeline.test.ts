/** The numbers a manager reads on the pipeline card, on fixtures: counts, percentiles, ranges, an empty pipeline. */
import assert from 'node:assert/strict';
import { entryOf, percentile, summarize, type PipelineEntry } from '../../src/leads/pipeline';
import { rangeOf } from '../../src/leads/ranges';
import { ANA, claimedByAna, makeLead } from '../support/leadFixtures';

const MIN = 60_000;
const NOW = new Date('2026-12-02T12:00:00.000Z');

function entry(over: Partial<PipelineEntry> & { id: string }): PipelineEntry {
  return {
    rev: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    status: 'new',
    storefront: 'AppSource',
    offer: 'Contoso CRM',
    rating: 'warm',
    claimBy: '2026-12-01T10:15:00.000Z',
    ...over,
  };
}

describe('leads/pipeline', () => {
  it('an empty pipeline says zero everywhere and has no rates to invent', () => {
    const s = summarize([], {}, NOW, 15 * MIN);
    assert.equal(s.total, 0);
    assert.equal(s.qualificationRate, undefined);
    assert.equal(s.claimedInTime, undefined);
    assert.deepEqual(s.timeToClaimMs, { n: 0, p50: undefined, p90: undefined });
  });

  it('counts leads by status, storefront, offer and seller, with unclaimed past the deadline', () => {
    const bob = { id: '29:bob', name: 'Bob' };
    const ana = { id: ANA.id, name: ANA.name };
    const s = summarize(
      [
        entry({ id: 'a' }),
        entry({ id: 'b', claimBy: '2026-12-02T13:00:00.000Z', rating: 'hot' }),
        entry({ id: 'c', status: 'claimed', owner: ana, claimMs: 4 * MIN }),
        entry({
          id: 'd',
          status: 'qualified',
          owner: ana,
          claimMs: 10 * MIN,
          storefront: 'AzureMarketplace',
          offer: 'Fabrikam VM',
        }),
        entry({ id: 'e', status: 'rejected', owner: bob, claimMs: 40 * MIN, reason: 'no-budget' }),
        entry({ id: 'f', status: 'rejected', owner: bob, claimMs: 60 * MIN, reason: 'no-budget' }),
        entry({ id: 't', isTest: true }),
      ],
      {},
      NOW,
      15 * MIN,
    );
    assert.equal(s.total, 6, 'test leads are not pipeline');
    assert.deepEqual(s.byStatus, { new: 2, claimed: 1, nurturing: 0, qualified: 1, rejected: 2 });
    assert.equal(s.unclaimed, 2);
    assert.equal(s.unclaimedOverdue, 1, 'one is still within its deadline');
    assert.deepEqual(s.byStorefront, [
      { storefront: 'AppSource', count: 5 },
      { storefront: 'AzureMarketplace', count: 1 },
    ]);
    assert.deepEqual(s.bySeller, [
      { id: ANA.id, name: ANA.name, open: 1, qualified: 1, rejected: 0 },
      { id: '29:bob', name: 'Bob', open: 0, qualified: 0, rejected: 2 },
    ]);
    assert.equal(s.qualificationRate, 1 / 3);
    assert.equal(s.claimedInTime, 2 / 4);
    assert.deepEqual(s.timeToClaimMs, { n: 4, p50: 10 * MIN, p90: 60 * MIN });
    assert.deepEqual(s.topRejectReasons, [{ reason: 'no-budget', count: 2 }]);
    assert.deepEqual(
      s.hotUnowned.map((h) => h.id),
      ['b'],
    );
  });

  it('filters by range, storefront, offer text (any case) and seller', () => {
    const all = [
      entry({ id: 'old', createdAt: '2026-11-01T00:00:00.000Z' }),
      entry({ id: 'az', storefront: 'AzureMarketplace', offer: 'Fabrikam VM' }),
      entry({ id: 'mine', owner: { id: ANA.id, name: 'Ana' }, status: 'claimed' }),
    ];
    assert.equal(summarize(all, { from: '2026-11-30T00:00:00.000Z' }, NOW, MIN).total, 2);
    assert.equal(summarize(all, { storefront: 'AzureMarketplace' }, NOW, MIN).total, 1);
    assert.equal(summarize(all, { offer: 'fabrikam' }, NOW, MIN).total, 1);
    assert.equal(summarize(all, { ownerId: ANA.id }, NOW, MIN).total, 1);
  });

  it('takes nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
    assert.equal(percentile([], 50), undefined);
  });

  it('makes an entry of a lead with no personal data, and claim and first-touch times', () => {
    const lead = claimedByAna({
      firstTouchAt: new Date(Date.parse(claimedByAna().claimedAt!) + 30 * MIN).toISOString(),
    });
    const e = entryOf(lead);
    assert.equal(e.firstTouchMs, 30 * MIN);
    assert.equal(e.claimMs, Date.parse(lead.claimedAt!) - Date.parse(lead.createdAt));
    const json = JSON.stringify(entryOf(makeLead()));
    for (const v of [makeLead().contact.email, makeLead().contact.phone, makeLead().contact.lastName].filter(Boolean))
      assert.ok(!json.includes(v!), `entry leaks ${v}`);
  });
});

describe('leads/ranges: in the team time zone', () => {
  it('"this week" starts on Monday 00:00 in the zone, across midnight UTC', () => {
    // Wednesday 2 Dec 2026 01:30 in Istanbul is Tuesday 22:30 UTC.
    const r = rangeOf('this-week', new Date('2026-12-01T22:30:00Z'), 'Europe/Istanbul');
    assert.equal(r.from, '2026-11-29T21:00:00.000Z');
    assert.equal(r.to, '2026-12-06T21:00:00.000Z');
  });

  it('"today" in New York and "last month", "last 7 days", "all"', () => {
    const now = new Date('2026-12-02T03:00:00Z'); // still 1 Dec in New York
    assert.deepEqual(
      [rangeOf('today', now, 'America/New_York').from, rangeOf('today', now, 'America/New_York').to],
      ['2026-12-01T05:00:00.000Z', '2026-12-02T05:00:00.000Z'],
    );
    assert.equal(rangeOf('last-month', now, 'UTC').from, '2026-11-01T00:00:00.000Z');
    assert.equal(rangeOf('last-7-days', now, 'UTC').from, '2026-11-25T03:00:00.000Z');
    assert.equal(rangeOf('all', now, 'UTC').from, undefined);
  });
});
