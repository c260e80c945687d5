/**
 * Several instances on one store (issue 13), as a team runs Lead Desk on Azure: real bot processes sharing the
 * SQLite file (or, with TEST_STORE=cosmos, one Cosmos database) and one Teams. Teams' limits hold for the bot as a
 * whole, each card is posted once, and a crashed or stopped instance's work is finished by another within seconds.
 */
import assert from 'node:assert/strict';
import { TEAMS_CONVERSATION_WINDOWS } from '../../src/teams/sending/rateLimiter';
import {
  busiestWindows,
  cardsPerLead,
  fleetChannel,
  fleetStore,
  postLeads,
  quietMoment,
  startFleet,
  type Fleet,
} from '../support/fleet';
import { signalBot } from '../support/botProcess';
import { waitFor } from '../support/harness';

const [PER_1S, PER_2S, PER_30S] = TEAMS_CONVERSATION_WINDOWS.map((w) => w.limit);

function assertOnceEach(fleet: Fleet, leads: number): void {
  const cards = cardsPerLead(fleet.teams);
  assert.equal(cards.size, leads, `${cards.size} of ${leads} leads have a card`);
  const twice = [...cards].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], 'no lead posted twice');
}

function assertWithinLimits(fleet: Fleet): void {
  const w = busiestWindows(fleet.teams);
  assert.ok(w.s1 <= PER_1S && w.s2 <= PER_2S && w.s30 <= PER_30S, `busiest channel: ${JSON.stringify(w)}`);
}

const allPosted = (fleet: Fleet, n: number) => () => cardsPerLead(fleet.teams).size >= n;

describe('scenario: several instances share one store and one Teams budget', function () {
  this.timeout(180_000);
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  it('two instances post 60 leads into one channel: each card once, never over 7 in 1 s, 8 in 2 s, 60 in 30 s', async () => {
    fleet = await startFleet(2, { channels: 1 });
    const statuses = await postLeads(fleet.bots, 60, () => 1);
    assert.ok(
      statuses.every((s) => s === 202),
      String(statuses),
    );
    await waitFor('60 cards', allPosted(fleet, 60), 90_000);
    assertOnceEach(fleet, 60);
    assertWithinLimits(fleet);
  });

  it('three instances post 300 leads over 10 channels: each card once, every channel within its limits', async () => {
    fleet = await startFleet(3, { channels: 10 });
    await postLeads(fleet.bots, 300, (i) => 1 + (i % 10));
    await waitFor('300 cards', allPosted(fleet, 300), 120_000);
    assertOnceEach(fleet, 300);
    assertWithinLimits(fleet);
  });

  it('a 429 seen by one instance holds the others back until Retry-After', async () => {
    fleet = await startFleet(2, { channels: 1 });
    fleet.teams.fail({ status: 429, retryAfter: 2, times: 1, ops: ['create'] });
    // The first instance's card is throttled; then eleven more leads come to both instances.
    await postLeads(
      fleet.bots,
      1,
      () => 1,
      () => 0,
    );
    const creates = () =>
      fleet!.teams.requests.filter((r) => r.op === 'create' && r.body?.channelData?.channel?.id === fleetChannel(1));
    const throttled = await waitFor('the 429', () => creates().find((r) => r.status === 429));
    await postLeads(fleet.bots, 11, () => 1);
    await waitFor('12 cards', allPosted(fleet, 12), 60_000);
    const after = creates().filter((r) => r.at > throttled.at);
    assert.equal(after.length, 12, 'the throttled card again, and the eleven others');
    for (const r of after) assert.ok(r.at - throttled.at >= 1_900, `a post ${r.at - throttled.at} ms after the 429`);
    assertOnceEach(fleet, 12);
  });

  it('an instance killed mid-burst: the other (on another machine) sends its waiting cards within 10 s, each once', async () => {
    fleet = await startFleet(2, { channels: 1, machines: true });
    const [doomed] = fleet.bots;
    // Every lead through the doomed instance: it holds all their delivery leases.
    await postLeads(
      fleet.bots,
      30,
      () => 1,
      () => 0,
    );
    await waitFor('the first cards', () => cardsPerLead(fleet!.teams).size >= 5, 30_000);
    // Between two posts (Teams' windows space them out), so no card is half-recorded when the process dies.
    const store = await fleetStore(fleet);
    try {
      await quietMoment(fleet, store);
    } finally {
      await store.close();
    }
    const before = cardsPerLead(fleet.teams).size;
    const killedAt = Date.now();
    await signalBot(doomed, 'SIGKILL');
    await waitFor('a card of the dead instance’s work', () => cardsPerLead(fleet!.teams).size > before, 15_000);
    const firstAfter = fleet.teams.posts().find((r) => r.at > killedAt + 5)!;
    assert.ok(firstAfter.at - killedAt <= 10_000, `the first card came ${firstAfter.at - killedAt} ms after the kill`);
    await waitFor('30 cards', allPosted(fleet, 30), 60_000);
    assertOnceEach(fleet, 30);
    assertWithinLimits(fleet);
  });

  it('an instance stopped with SIGTERM mid-burst exits within 10 s and the other finishes its work', async () => {
    fleet = await startFleet(2, { channels: 1 });
    const [leaving] = fleet.bots;
    await postLeads(
      fleet.bots,
      30,
      () => 1,
      () => 0,
    );
    await waitFor('the first cards', () => cardsPerLead(fleet!.teams).size >= 3, 30_000);
    const stoppedAt = Date.now();
    leaving.child.kill('SIGTERM');
    const exit = await Promise.race([leaving.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    assert.notEqual(exit, 'hung', 'still running 10 s after SIGTERM');
    assert.equal((exit as { code: number | null }).code, 0);
    assert.ok(Date.now() - stoppedAt <= 10_500);
    await waitFor('30 cards', allPosted(fleet, 30), 60_000);
    assertOnceEach(fleet, 30);
    assertWithinLimits(fleet);
  });
});
