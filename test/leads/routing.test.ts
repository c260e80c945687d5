import assert from 'node:assert/strict';
import { parseSubscription, routeLead, type ChannelFilter, type RoutableChannel } from '../../src/leads/routing';
import type { Contact, LeadSource, Storefront } from '../../src/leads/lead';

// ─── builders ───────────────────────────────────────────────────────────────

let n = 0;
function channel(filter: ChannelFilter, extra: Partial<RoutableChannel> = {}): RoutableChannel {
  n += 1;
  return {
    channelKey: `ch${n}`,
    teamId: 'team-1',
    channelId: `19:c${n}@thread.tacv2`,
    filter,
    isDefault: false,
    installedAt: `2024-01-${String(10 + n).padStart(2, '0')}T00:00:00.000Z`,
    ...extra,
  };
}

function lead(storefront: Storefront, contact: Contact = {}, source: Partial<LeadSource> = {}) {
  return {
    source: {
      kind: 'marketplace',
      storefront,
      actionCode: 'PLT',
      action: 'contact-me',
      offer: 'contoso.crm-suite',
      offerTitle: 'Contoso CRM Suite',
      ...source,
    } as LeadSource,
    contact,
  };
}

const keys = (cs: RoutableChannel[]) => cs.map((c) => c.channelKey);

describe('routeLead', () => {
  const appsource = channel({ storefronts: ['appsource'] });
  const azure = channel({ storefronts: ['azure'] });
  const everything = channel({ storefronts: 'all' });

  it('sends an AppSource lead to AppSource and catch-all channels, not to Azure ones', () => {
    assert.deepEqual(keys(routeLead(lead('AppSource'), [appsource, azure, everything])), [
      appsource.channelKey,
      everything.channelKey,
    ]);
  });

  for (const storefront of ['AzureMarketplace', 'AzurePortal', 'TestDrive'] as Storefront[]) {
    it(`sends ${storefront} leads to channels subscribed to azure`, () => {
      assert.deepEqual(keys(routeLead(lead(storefront), [appsource, azure])), [azure.channelKey]);
    });
  }

  it('sends a lead from an unknown storefront only to catch-all channels', () => {
    assert.deepEqual(keys(routeLead(lead('Other'), [appsource, azure, everything])), [everything.channelKey]);
  });

  it('matches the offer as a case-insensitive part of the offer id or the offer title', () => {
    const crm = channel({ storefronts: 'all', offer: 'CRM' });
    const suite = channel({ storefronts: 'all', offer: 'crm suite' });
    const erp = channel({ storefronts: 'all', offer: 'erp' });
    assert.deepEqual(keys(routeLead(lead('AppSource'), [crm, suite, erp])), [crm.channelKey, suite.channelKey]);
  });

  it('matches the country whatever its spelling: US, USA and United States alike, GB and UK alike', () => {
    const us = channel({ storefronts: 'all', country: 'US' });
    const uk = channel({ storefronts: 'all', country: 'uk' });
    for (const country of ['US', 'usa', 'United States'])
      assert.deepEqual(keys(routeLead(lead('AppSource', { country }), [us, uk])), [us.channelKey], country);
    for (const country of ['GB', 'UK', 'United Kingdom'])
      assert.deepEqual(keys(routeLead(lead('AppSource', { country }), [us, uk])), [uk.channelKey], country);
    const de = channel({ storefronts: 'all', country: 'de' });
    assert.deepEqual(keys(routeLead(lead('AppSource', { country: 'DE' }), [de, us])), [de.channelKey]);
  });

  it('needs every part of a filter to match', () => {
    const narrow = channel({ storefronts: ['azure'], offer: 'crm', country: 'US' });
    const fallback = channel({ storefronts: ['azure'] }, { isDefault: true });
    assert.deepEqual(keys(routeLead(lead('AzureMarketplace', { country: 'USA' }), [narrow])), [narrow.channelKey]);
    assert.deepEqual(keys(routeLead(lead('AppSource', { country: 'USA' }), [narrow, fallback])), [fallback.channelKey]);
    assert.deepEqual(
      keys(routeLead(lead('AzureMarketplace', {}), [narrow, fallback])),
      [fallback.channelKey],
      'a lead without a country',
    );
  });

  it('sends a lead no filter matches to every default channel', () => {
    const d1 = channel({ storefronts: ['azure'] }, { isDefault: true });
    const d2 = channel({ storefronts: ['azure'], offer: 'x' }, { isDefault: true });
    assert.deepEqual(keys(routeLead(lead('AppSource'), [azure, d1, d2])), [d1.channelKey, d2.channelKey]);
  });

  it('sends a lead no filter matches to the earliest-installed channel when none is marked default', () => {
    const late = channel({ storefronts: ['azure'] }, { installedAt: '2024-06-01T00:00:00.000Z' });
    const early = channel({ storefronts: ['azure'] }, { installedAt: '2023-02-01T00:00:00.000Z' });
    assert.deepEqual(keys(routeLead(lead('AppSource'), [late, early])), [early.channelKey]);
  });

  it('routes nowhere when the bot is installed in no channel', () => {
    assert.deepEqual(routeLead(lead('AppSource'), []), []);
  });
});

describe('parseSubscription', () => {
  const cases: [string, ChannelFilter][] = [
    ['', { storefronts: 'all' }],
    ['   ', { storefronts: 'all' }],
    ['appsource', { storefronts: ['appsource'] }],
    ['AppSource Azure', { storefronts: ['appsource', 'azure'] }],
    ['azure offer contoso.crm country US', { storefronts: ['azure'], offer: 'contoso.crm', country: 'US' }],
    ['all country de', { storefronts: 'all', country: 'DE' }],
    ['all appsource', { storefronts: 'all' }],
    [
      'country United States offer "contoso crm"',
      { storefronts: 'all', offer: 'contoso crm', country: 'United States' },
    ],
    ['OFFER “crm”', { storefronts: 'all', offer: 'crm' }],
  ];
  for (const [args, filter] of cases) {
    it(`reads “subscribe ${args}” as ${JSON.stringify(filter)}`, () => {
      assert.deepEqual(parseSubscription(args), { ok: true, filter });
    });
  }

  const wrong: [string, RegExp][] = [
    ['appsorce', /I don't know “appsorce”/],
    ['azure marketplace', /I don't know “marketplace”/],
    ['offer', /“offer” needs the text/],
    ['azure country', /“country” needs a country code/],
    ['offer a offer b', /appears twice/],
  ];
  for (const [args, message] of wrong) {
    it(`refuses “subscribe ${args}” with a sentence saying what is expected`, () => {
      const r = parseSubscription(args);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.message, message);
      assert.match(r.message, /Expected: subscribe \[appsource \| azure \| all\] \[offer TEXT\] \[country CODE\]/);
    });
  }

  it('names the problem, the key of the reader sentence (command.subscribeProblem.*)', () => {
    assert.deepEqual(
      [parseSubscription('appsorce'), parseSubscription('offer a offer b'), parseSubscription('azure country')].map(
        (r) => (r.ok ? 'ok' : `${r.problem} ${r.word ?? ''}`.trim()),
      ),
      ['unknown-word appsorce', 'offer-twice', 'country-empty'],
    );
  });
});
