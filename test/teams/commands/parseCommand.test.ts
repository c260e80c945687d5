/** Managers type the way they talk: any case, any word order; a typo gets the closest command. */
import assert from 'node:assert/strict';
import { parseCommand } from '../../../src/teams/commands/parseCommand';
import { emailIn } from '../../../src/privacy/person';

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

  it('reads "erase <email>" with the words after it, a mailto link as Teams sends it included', () => {
    assert.deepEqual(parseCommand('<at>Lead Desk</at> Erase Dana@Northwind.example'), {
      name: 'erase',
      args: 'Dana@Northwind.example',
    });
    const linked = parseCommand('erase <a href="mailto:dana@northwind.example">dana@northwind.example</a>');
    assert.equal(linked.name, 'erase');
    assert.equal(emailIn((linked as { args: string }).args), 'dana@northwind.example');
    assert.equal(emailIn('nobody in particular'), undefined);
    assert.deepEqual(parseCommand('eras'), { name: 'unknown', word: 'eras', closest: 'erase' });
  });
});
