/** Where the app is installed: team records, channel records and their lead subscriptions. */
import assert from 'node:assert/strict';
import { channelKey, teamKey, type ChannelRecord, type TeamRecord } from '../../../src/store/installStore';
import { NOW, plain, useStores, type StoreFactory } from './context';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

function team(teamId: string): TeamRecord {
  return {
    id: teamKey(teamId),
    type: 'team',
    teamId,
    teamName: `Team ${teamId}`,
    serviceUrl: SERVICE_URL,
    tenantId: 'tenant-1',
    reference: { conversation: { id: teamId } },
    installedAt: NOW.toISOString(),
  };
}

function channel(teamId: string, channelId: string, changes: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id: channelKey(channelId),
    type: 'channel',
    channelKey: channelKey(channelId),
    teamId,
    channelId,
    channelName: `Channel ${channelId}`,
    serviceUrl: SERVICE_URL,
    tenantId: 'tenant-1',
    reference: { conversation: { id: channelId }, serviceUrl: SERVICE_URL },
    filter: { storefronts: 'all' },
    isDefault: channelId === teamId,
    subscribed: true,
    installedAt: NOW.toISOString(),
    ...changes,
  };
}

const A = '19:team-a@thread.tacv2';
const A_SALES = '19:a-sales@thread.tacv2';
const B = '19:team-b@thread.tacv2';

export function installRecords(factory: StoreFactory): void {
  const s = useStores(factory);
  const channelIds = (list: ChannelRecord[]) => list.map((c) => c.channelId).sort();

  describe('installs.createTeam', () => {
    it('records a team on the first install event and answers false to the second, keeping the first record', async () => {
      assert.equal(await s.store.installs.createTeam(team(A)), true);
      assert.equal(await s.store.installs.createTeam({ ...team(A), teamName: 'renamed' }), false);
      assert.deepEqual(plain((await s.store.installs.getTeam(A))!), plain(team(A)));
    });
  });

  describe('installs.saveChannel and installs.getChannel', () => {
    it('saves a channel and reads it back as saved', async () => {
      await s.store.installs.saveChannel(channel(A, A));
      assert.deepEqual(plain((await s.store.installs.getChannel(A))!), plain(channel(A, A)));
    });

    it('saving a channel again replaces its record', async () => {
      await s.store.installs.saveChannel(channel(A, A));
      await s.store.installs.saveChannel(channel(A, A, { channelName: 'General (renamed)' }));
      assert.equal((await s.store.installs.getChannel(A))?.channelName, 'General (renamed)');
      assert.equal((await s.store.installs.channels()).length, 1);
    });

    it('reads a channel that was never saved as undefined', async () => {
      assert.equal(await s.store.installs.getChannel('19:nowhere@thread.tacv2'), undefined);
    });
  });

  describe('installs.channels', () => {
    beforeEach(async () => {
      await s.store.installs.createTeam(team(A));
      await s.store.installs.createTeam(team(B));
      await s.store.installs.saveChannel(channel(A, A));
      await s.store.installs.saveChannel(channel(A, A_SALES, { subscribed: false }));
      await s.store.installs.saveChannel(channel(B, B));
    });

    it('lists every channel of every team, subscribed or not, and no team records', async () => {
      const all = await s.store.installs.channels();
      assert.deepEqual(channelIds(all), [A, A_SALES, B].sort());
      assert.ok(all.every((c) => c.type === 'channel'));
    });

    it('lists only the channels of one team when asked for that team', async () => {
      assert.deepEqual(channelIds(await s.store.installs.channels(A)), [A, A_SALES].sort());
      assert.deepEqual(channelIds(await s.store.installs.channels(B)), [B]);
      assert.deepEqual(await s.store.installs.channels('19:no-such-team@thread.tacv2'), []);
    });
  });

  describe('installs.setSubscription', () => {
    it('subscribes a channel with its filter', async () => {
      await s.store.installs.saveChannel(channel(A, A_SALES, { subscribed: false }));
      const filter = { storefronts: ['azure' as const], country: 'DE' };
      const result = await s.store.installs.setSubscription(A_SALES, filter);
      assert.equal(result?.subscribed, true);
      const stored = await s.store.installs.getChannel(A_SALES);
      assert.equal(stored?.subscribed, true);
      assert.deepEqual(stored?.filter, filter);
    });

    it('unsubscribes a channel and keeps its last filter for the next subscribe', async () => {
      const filter = { storefronts: ['appsource' as const], offer: 'crm' };
      await s.store.installs.saveChannel(channel(A, A_SALES, { filter }));
      await s.store.installs.setSubscription(A_SALES, undefined);
      const stored = await s.store.installs.getChannel(A_SALES);
      assert.equal(stored?.subscribed, false);
      assert.deepEqual(stored?.filter, filter);
    });

    it('answers undefined for a channel that was never saved, and saves nothing', async () => {
      assert.equal(
        await s.store.installs.setSubscription('19:nowhere@thread.tacv2', { storefronts: 'all' }),
        undefined,
      );
      assert.deepEqual(await s.store.installs.channels(), []);
    });
  });

  describe('installs.removeTeam', () => {
    it('removes the team and its channels, says how many channels went, and leaves other teams alone', async () => {
      await s.store.installs.createTeam(team(A));
      await s.store.installs.createTeam(team(B));
      await s.store.installs.saveChannel(channel(A, A));
      await s.store.installs.saveChannel(channel(A, A_SALES));
      await s.store.installs.saveChannel(channel(B, B));
      assert.equal(await s.store.installs.removeTeam(A), 2);
      assert.equal(await s.store.installs.getTeam(A), undefined);
      assert.deepEqual(await s.store.installs.channels(A), []);
      assert.ok(await s.store.installs.getTeam(B));
      assert.deepEqual(channelIds(await s.store.installs.channels()), [B]);
    });

    it('answers 0 for a team that is not recorded', async () => {
      assert.equal(await s.store.installs.removeTeam('19:no-such-team@thread.tacv2'), 0);
    });

    it('lets the same team be recorded again after it was removed (a reinstall)', async () => {
      await s.store.installs.createTeam(team(A));
      await s.store.installs.removeTeam(A);
      assert.equal(await s.store.installs.createTeam(team(A)), true);
    });
  });

  describe('installs.removeChannel', () => {
    it('removes one channel and keeps the team’s others', async () => {
      await s.store.installs.saveChannel(channel(A, A));
      await s.store.installs.saveChannel(channel(A, A_SALES));
      await s.store.installs.removeChannel(A_SALES);
      assert.equal(await s.store.installs.getChannel(A_SALES), undefined);
      assert.deepEqual(channelIds(await s.store.installs.channels(A)), [A]);
    });

    it('removing a channel that is not there is not an error', async () => {
      await s.store.installs.removeChannel('19:nowhere@thread.tacv2');
    });
  });

  describe('installs.takeOnce', () => {
    it('lets exactly one of several instances take a marker, and nobody after', async () => {
      const takes = await Promise.all(
        ['bot-a', 'bot-b', 'bot-c'].map((by) => s.store.installs.takeOnce('digest:w1', 'digest', by, NOW)),
      );
      assert.deepEqual(takes.filter(Boolean).length, 1);
      assert.equal(await s.store.installs.takeOnce('digest:w1', 'digest', 'bot-a', NOW), false);
      assert.equal(await s.store.installs.takeOnce('digest:w2', 'digest', 'bot-a', NOW), true);
    });
  });
}
