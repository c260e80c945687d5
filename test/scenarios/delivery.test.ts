/**
 * Nothing is lost, nothing is posted twice: Teams throttling, Teams down, the bot restarting, and two bot
 * processes sharing one store.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload } from '../support/payloads';
import { LocalTeams, install, postLead, startBot, tempDir, waitFor } from '../support/harness';
import { maxPerWindow } from '../support/windows';

const lead = (n: number) => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `buyer${n}@example.com` },
});

describe('delivery: every lead reaches Teams exactly once', () => {
  let teams: LocalTeams;
  const apps: App[] = [];

  beforeEach(async () => {
    teams = await new LocalTeams().start();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    await teams.stop();
  });

  async function bot(opts: Parameters<typeof startBot>[0] = {}) {
    const app = await startBot(opts);
    apps.push(app);
    return app;
  }

  it('a burst into one channel with 429s in between: all delivered, none twice, within Teams per-conversation limits', async function () {
    this.timeout(30_000);
    const app = await bot();
    await install(app, teams);
    teams.fail({ status: 429, retryAfter: 0.2, times: 4, ops: ['create'] });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postLead(app, lead(i)).then((r) => r.body.id as string)),
    );
    await waitFor(
      '20 cards',
      () => ids.every((id) => teams.cards().some((c) => JSON.stringify(c.card).includes(id))),
      25_000,
    );
    for (const id of ids)
      assert.equal(teams.cards().filter((c) => JSON.stringify(c.card).includes(id)).length, 1, `one card for ${id}`);
    const attempts = teams.requests.filter((r) => r.op === 'create').map((r) => r.at);
    assert.ok(
      teams.requests.some((r) => r.status === 429),
      'the channel did throttle',
    );
    assert.ok(maxPerWindow(attempts, 1000) <= 7, `at most 7 per second, saw ${maxPerWindow(attempts, 1000)}`);
    assert.ok(maxPerWindow(attempts, 2000) <= 8, `at most 8 per 2 s, saw ${maxPerWindow(attempts, 2000)}`);
  });

  it('Teams down, then up: the lead is stored at once and delivered once Teams is back', async () => {
    const app = await bot();
    await install(app, teams);
    await teams.down();
    const res = await postLead(app, lead(1));
    assert.equal(res.status, 202, 'the webhook does not wait for Teams');
    await waitFor('a failed attempt', async () => ((await app.leads.get(res.body.id))?.delivery.attempts ?? 0) >= 1);
    assert.equal((await app.leads.get(res.body.id))?.delivery.lastError, 'teams.unavailable');
    await teams.up();
    await waitFor('card after recovery', () => teams.cards().find((c) => JSON.stringify(c.card).includes(res.body.id)));
    await waitFor('posted', async () => (await app.leads.get(res.body.id))?.delivery.state === 'posted');
  });

  it('5xx answers are retried and the card is posted once', async () => {
    const app = await bot();
    await install(app, teams);
    teams.fail({ status: 503, times: 2, ops: ['create'] });
    const res = await postLead(app, lead(2));
    await waitFor('card', () => teams.cards().find((c) => JSON.stringify(c.card).includes(res.body.id)));
    await app.outbox.tick();
    assert.equal(teams.cards().filter((c) => JSON.stringify(c.card).includes(res.body.id)).length, 1);
  });

  it('a restart loses no lead and re-posts no card', async () => {
    const dataDir = tempDir();
    const first = await bot({ dataDir });
    await install(first, teams);
    const posted = await postLead(first, lead(3));
    await waitFor('card', () => teams.cards().find((c) => JSON.stringify(c.card).includes(posted.body.id)));
    await waitFor('posted', async () => (await first.leads.get(posted.body.id))?.delivery.state === 'posted');
    await teams.down();
    const waiting = await postLead(first, lead(4));
    assert.equal(waiting.status, 202);
    await first.stop();
    apps.splice(apps.indexOf(first), 1);
    await teams.up();

    const second = await bot({ dataDir });
    assert.ok(await second.leads.get(posted.body.id), 'the posted lead survived the restart');
    assert.ok(await second.leads.get(waiting.body.id), 'the waiting lead survived the restart');
    await waitFor('waiting lead delivered after restart', () =>
      teams.cards().find((c) => JSON.stringify(c.card).includes(waiting.body.id)),
    );
    await second.outbox.tick();
    assert.equal(
      teams.cards().filter((c) => JSON.stringify(c.card).includes(posted.body.id)).length,
      1,
      'not re-posted',
    );
    assert.equal(teams.cards().filter((c) => JSON.stringify(c.card).includes(waiting.body.id)).length, 1);
    const replay = await postLead(second, lead(3));
    assert.equal(replay.status, 200, 'a retried webhook after the restart is still recognised');
  });

  it('two bot processes on one store post each card exactly once', async function () {
    this.timeout(30_000);
    const shared = tempDir();
    try {
      const a = await bot({ dataDir: shared, env: { INSTANCE_ID: 'bot-a' } });
      const b = await bot({ dataDir: shared, env: { INSTANCE_ID: 'bot-b' } });
      await install(a, teams);
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) {
        const target = i % 2 ? a : b;
        const res = await postLead(target, lead(100 + i));
        ids.push(res.body.id);
        // Both processes race for the same lead right away.
        a.outbox.deliverSoon(res.body.id);
        b.outbox.deliverSoon(res.body.id);
      }
      await Promise.all([a.outbox.tick(), b.outbox.tick()]);
      await waitFor(
        'all cards',
        () => ids.every((id) => teams.cards().some((c) => JSON.stringify(c.card).includes(id))),
        20_000,
      );
      await Promise.all([a.outbox.tick(), b.outbox.tick()]);
      for (const id of ids)
        assert.equal(teams.cards().filter((c) => JSON.stringify(c.card).includes(id)).length, 1, `one card for ${id}`);
    } finally {
      await Promise.all(apps.splice(0).map((x) => x.stop()));
    }
  });
});
