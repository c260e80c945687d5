/**
 * A team's own managers, kept on its team record: changed with an etag compare-and-set (two instances changing the
 * list at once both count), listed for the pipeline tab's "manager of any team".
 */
import assert from 'node:assert/strict';
import { channelKey, teamKey, type TeamRecord } from '../../../src/store/installStore';
import type { TeamManager } from '../../../src/leads/managers';
import { NOW, plain, useStores, type StoreFactory } from './context';

const A = '19:team-a@thread.tacv2';
const B = '19:team-b@thread.tacv2';

const manager = (slug: string): TeamManager => ({
  id: `29:${slug}`,
  aadObjectId: `aad-${slug}`,
  name: slug,
  addedAt: NOW.toISOString(),
});

function team(teamId: string, managers: TeamManager[] = [manager('ira')]): TeamRecord {
  return {
    id: teamKey(teamId),
    type: 'team',
    teamId,
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    reference: { conversation: { id: teamId } },
    installedAt: NOW.toISOString(),
    managers,
  };
}

const add = (m: TeamManager) => (current: TeamManager[]) => ({ managers: [...current, m], result: m.id });
const ids = (list: TeamManager[] | undefined) => (list ?? []).map((m) => m.id).sort();

export function teamManagerRecords(factory: StoreFactory): void {
  const s = useStores(factory);

  it('keeps the installer as the first manager on the team record, as created', async () => {
    await s.store.installs.createTeam(team(A));
    assert.deepEqual(plain((await s.store.installs.getTeam(A))!), plain(team(A)));
  });

  it('writes a change of the managers and reads it back, from another process too', async () => {
    await s.store.installs.createTeam(team(A));
    const changed = await s.store.installs.updateManagers(A, add(manager('ana')));
    assert.deepEqual(ids(changed?.managers), ['29:ana', '29:ira']);
    assert.equal(changed?.written, true);
    const other = await s.another();
    assert.deepEqual(ids((await other.installs.getTeam(A))?.managers), ['29:ana', '29:ira']);
  });

  it('writes nothing when the decision leaves the list as it is, and answers the stored list', async () => {
    await s.store.installs.createTeam(team(A));
    const before = await s.store.installs.getTeam(A);
    const result = await s.store.installs.updateManagers(A, () => ({ result: 'refused' }));
    assert.deepEqual(result && { ids: ids(result.managers), result: result.result }, {
      ids: ['29:ira'],
      result: 'refused',
    });
    assert.equal(result?.written, false);
    assert.equal((await s.store.installs.getTeam(A))?._etag, before?._etag);
  });

  it('keeps both changes when two processes change the same team at once', async () => {
    await s.store.installs.createTeam(team(A));
    const other = await s.another();
    await Promise.all([
      s.store.installs.updateManagers(A, add(manager('ana'))),
      other.installs.updateManagers(A, add(manager('ben'))),
      s.store.installs.updateManagers(A, add(manager('cem'))),
    ]);
    assert.deepEqual(ids((await s.store.installs.getTeam(A))?.managers), ['29:ana', '29:ben', '29:cem', '29:ira']);
  });

  it('answers undefined for a team that is not recorded, and records nothing', async () => {
    assert.equal(await s.store.installs.updateManagers(A, add(manager('ana'))), undefined);
    assert.equal(await s.store.installs.getTeam(A), undefined);
  });

  it('lists every team with its managers, and no channel or other records', async () => {
    await s.store.installs.createTeam(team(A));
    await s.store.installs.createTeam(team(B, [manager('ben')]));
    await s.store.installs.saveChannel({
      id: channelKey(A),
      type: 'channel',
      channelKey: channelKey(A),
      teamId: A,
      channelId: A,
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      reference: {},
      filter: { storefronts: 'all' },
      isDefault: true,
      subscribed: true,
      installedAt: NOW.toISOString(),
    });
    const teams = await s.store.installs.teams();
    assert.deepEqual(teams.map((t) => t.teamId).sort(), [A, B].sort());
    assert.deepEqual(ids(teams.find((t) => t.teamId === B)?.managers), ['29:ben']);
  });

  it('forgets a team’s managers with the team (an uninstall), so a reinstall starts with its new installer', async () => {
    await s.store.installs.createTeam(team(A));
    await s.store.installs.removeTeam(A);
    assert.equal(await s.store.installs.createTeam(team(A, [manager('ben')])), true);
    assert.deepEqual(ids((await s.store.installs.getTeam(A))?.managers), ['29:ben']);
  });
}
