/** A channel's subscription filter in the reader's words (the `subscribe` answer, the welcome card). */
import assert from 'node:assert/strict';
import { parseSubscription } from '../../../src/leads/routing';
import { filterInWords } from '../../../src/teams/views/filterWords';

describe('filterInWords', () => {
  it('says a filter in words', () => {
    assert.equal(filterInWords({ storefronts: 'all' }), 'all leads');
    assert.equal(
      filterInWords({ storefronts: ['appsource'], offer: 'crm', country: 'US' }),
      'all AppSource leads for offers matching “crm” from US',
    );
    assert.equal(filterInWords({ storefronts: ['azure'] }), 'all Azure Marketplace leads');
    assert.equal(
      filterInWords({ storefronts: ['appsource', 'azure'], country: 'DE' }),
      'all AppSource and Azure Marketplace leads from DE',
    );
  });

  it('describes what parseSubscription read', () => {
    const r = parseSubscription('appsource offer crm country us');
    assert.ok(r.ok);
    assert.equal(filterInWords(r.filter), 'all AppSource leads for offers matching “crm” from US');
  });

  it('says it in Turkish to a Turkish reader', () => {
    assert.equal(
      filterInWords({ storefronts: ['appsource', 'azure'], country: 'DE' }, 'tr'),
      'tüm AppSource ve Azure Marketplace adaylarını (ülke: DE)',
    );
  });
});
