/** `managers [add|remove] @name…` as typed in a channel, English or Turkish. */
import assert from 'node:assert/strict';
import { parseCommand } from '../../../src/teams/commands/parseCommand';

const ANA = { id: '29:ana', name: 'Ana', aadObjectId: 'aad-ana' };
const BEN = { id: '29:ben', name: 'Ben' };

describe('teams/commands: managers', () => {
  it('lists the managers for "managers" alone, or any word it does not know', () => {
    assert.deepEqual(parseCommand('managers'), { name: 'managers', action: 'list', people: [] });
    assert.deepEqual(parseCommand('Manager please'), { name: 'managers', action: 'list', people: [] });
  });

  it('adds or removes the people @mentioned, the mention tags taken out of the text', () => {
    assert.deepEqual(parseCommand('managers add <at>Ana</at> <at>Ben</at>', [ANA, BEN]), {
      name: 'managers',
      action: 'add',
      people: [ANA, BEN],
    });
    assert.deepEqual(parseCommand('MANAGERS Remove <at>Ana</at>', [ANA]), {
      name: 'managers',
      action: 'remove',
      people: [ANA],
    });
  });

  it('understands the Turkish words', () => {
    assert.equal((parseCommand('yöneticiler ekle <at>Ana</at>', [ANA], 'tr') as { action: string }).action, 'add');
    assert.equal((parseCommand('yönetici çıkar <at>Ana</at>', [ANA], 'tr') as { action: string }).action, 'remove');
  });
});
