/** Managers type the way they talk: any case, any word order; a typo gets the closest command. */
import assert from 'node:assert/strict';
import { parseCommand } from '../../../src/teams/commands/parseCommand';

describe('teams/commands', () => {
  for (const [text, expected] of [
    ['pipeline', { range: 'this-week' }],
    ['Pipeline THIS WEEK', { range: 'this-week' }],
    ['pipeline last week', { range: 'last-week' }],
    ['pipeline azure last 7 days', { range: 'last-7-days', storefront: 'AzureMarketplace' }],
    ['pipeline today appsource', { range: 'today', storefront: 'AppSource' }],
    ['pipeline this month offer contoso crm', { range: 'this-month', offer: 'contoso crm' }],
    ['pipeline all', { range: 'all' }],
  ] as const) {
    it(`reads "${text}"`, () => {
      const c = parseCommand(text);
      assert.equal(c.name, 'pipeline');
      for (const [k, v] of Object.entries(expected)) assert.equal((c as Record<string, unknown>)[k], v, k);
    });
  }

  it('reads "pipeline for @Ana" with the mentioned seller', () => {
    const c = parseCommand('<at>Lead Desk</at> pipeline for <at>Ana</at> last week', [{ id: '29:ana', name: 'Ana' }]);
    assert.deepEqual(c, {
      name: 'pipeline',
      range: 'last-week',
      storefront: undefined,
      offer: undefined,
      seller: { id: '29:ana', name: 'Ana' },
    });
  });

  it('knows stale and mine, and names the closest command for a typo', () => {
    assert.equal(parseCommand('stale').name, 'stale');
    assert.equal(parseCommand('Mine').name, 'mine');
    assert.deepEqual(parseCommand('pipline'), { name: 'unknown', word: 'pipline', closest: 'pipeline' });
    assert.equal((parseCommand('xyzzyplugh') as { closest?: string }).closest, undefined);
  });
});
