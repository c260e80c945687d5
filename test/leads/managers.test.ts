/** A team's own managers: who may change the list, what it becomes, and who counts as a manager. */
import assert from 'node:assert/strict';
import {
  MAX_TEAM_MANAGERS,
  changeManagers,
  managerIdsOf,
  withFirstManager,
  type TeamManager,
} from '../../src/leads/managers';
import { isManager } from '../../src/leads/roles';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const person = (slug: string, aad = true) => ({
  id: `29:${slug}`,
  name: slug,
  ...(aad ? { aadObjectId: `aad-${slug}` } : {}),
});
const manager = (slug: string): TeamManager => ({ ...person(slug), addedAt: NOW.toISOString() });
const IRA = manager('ira');
const ids = (list: readonly { id: string }[]) => list.map((m) => m.id);

describe('leads/managers', () => {
  describe('managerIdsOf and isManager', () => {
    it('makes MANAGER_IDS and every team manager (by Teams id or Entra id) a manager, nobody else', () => {
      const list = managerIdsOf(['aad-maya'], [IRA, { ...manager('ana'), aadObjectId: undefined }]);
      assert.equal(isManager({ aadObjectId: 'aad-maya' }, list), true);
      assert.equal(isManager({ aadObjectId: 'aad-ira' }, list), true, 'the pipeline tab knows only the Entra id');
      assert.equal(isManager({ id: '29:ira' }, list), true);
      assert.equal(isManager({ id: '29:ana', aadObjectId: 'aad-ana' }, list), true);
      assert.equal(isManager({ id: '29:ben', aadObjectId: 'aad-ben' }, list), false);
    });
  });

  describe('changeManagers', () => {
    const add = (...slugs: string[]) => ({ kind: 'add' as const, people: slugs.map((s) => person(s)) });
    const remove = (...slugs: string[]) => ({ kind: 'remove' as const, people: slugs.map((s) => person(s)) });
    const codeOf = (d: ReturnType<typeof changeManagers>) => (d.ok ? 'ok' : d.code);

    it('lets a team manager add people, recording who added them and when', () => {
      const d = changeManagers([IRA], add('ana', 'ben'), IRA, [], NOW);
      assert.ok(d.ok);
      assert.deepEqual(ids(d.managers), ['29:ira', '29:ana', '29:ben']);
      assert.deepEqual(d.managers[1], { ...person('ana'), addedAt: NOW.toISOString(), addedBy: '29:ira' });
      assert.deepEqual(ids(d.changed), ['29:ana', '29:ben']);
    });

    it('refuses a change from someone who manages neither this team nor every team', () => {
      assert.equal(codeOf(changeManagers([IRA], add('ben'), person('ben'), [], NOW)), 'managers.managers-only');
      assert.equal(codeOf(changeManagers([], add('ben'), person('ben'), [], NOW)), 'managers.managers-only');
    });

    it('lets a MANAGER_IDS manager change any team, even one with no managers yet', () => {
      const d = changeManagers([], add('ana'), person('maya'), ['aad-maya'], NOW);
      assert.ok(d.ok);
      assert.deepEqual(ids(d.managers), ['29:ana']);
    });

    it('changes nothing for someone already added, or not there to remove', () => {
      const again = changeManagers([IRA], add('ira'), IRA, [], NOW);
      assert.ok(again.ok);
      assert.deepEqual([again.changed.length, ids(again.unchanged)], [0, ['29:ira']]);
      const absent = changeManagers([IRA, manager('ana')], remove('ben'), IRA, [], NOW);
      assert.ok(absent.ok);
      assert.deepEqual([absent.changed.length, ids(absent.unchanged)], [0, ['29:ben']]);
    });

    it('matches a mention without an Entra id by its Teams id', () => {
      const d = changeManagers([IRA, manager('ana')], { kind: 'remove', people: [person('ana', false)] }, IRA, [], NOW);
      assert.ok(d.ok);
      assert.deepEqual(ids(d.managers), ['29:ira']);
    });

    it('never removes the last manager of a team, not even with others in the same command', () => {
      assert.equal(codeOf(changeManagers([IRA], remove('ira'), IRA, [], NOW)), 'managers.last');
      assert.equal(codeOf(changeManagers([IRA, manager('ana')], remove('ira', 'ana'), IRA, [], NOW)), 'managers.last');
      assert.equal(codeOf(changeManagers([IRA, manager('ana')], remove('ira'), IRA, [], NOW)), 'ok');
    });

    it('refuses to remove someone who manages every team through MANAGER_IDS', () => {
      const d = changeManagers([IRA], remove('maya'), IRA, ['aad-maya'], NOW);
      assert.deepEqual(d, { ok: false, code: 'managers.global', params: { name: 'maya' } });
    });

    it('asks who when nobody is mentioned, and keeps a team to at most MAX_TEAM_MANAGERS', () => {
      assert.equal(codeOf(changeManagers([IRA], { kind: 'add', people: [] }, IRA, [], NOW)), 'managers.no-mention');
      const many = Array.from({ length: MAX_TEAM_MANAGERS }, (_, i) => manager(`m${i}`));
      assert.equal(codeOf(changeManagers(many, add('one-more'), many[0], [], NOW)), 'managers.too-many');
    });
  });

  describe('withFirstManager', () => {
    it('makes the installer the first manager of a team without managers, and leaves a team with some as it is', () => {
      assert.deepEqual(withFirstManager(undefined, person('ira'), NOW), [IRA]);
      assert.deepEqual(withFirstManager([], person('ira', false), NOW), [
        { id: '29:ira', name: 'ira', addedAt: NOW.toISOString() },
      ]);
      assert.equal(withFirstManager([IRA], person('ben'), NOW), undefined);
      assert.equal(withFirstManager(undefined, { id: '', name: '' }, NOW), undefined);
    });
  });
});
