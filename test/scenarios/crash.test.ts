/**
 * A crash right after the 202 loses nothing: the webhook answers 202 only once the lead is on disk, so a bot process
 * killed (SIGKILL, no shutdown) the moment its last 202 went out still has every lead when it starts again.
 * The bot runs as a real child process on the embedded SQLite store; this is SQLite's durability test, so it is
 * skipped on TEST_STORE=cosmos.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openStore } from '../../src/store';
import { contactMePayload } from '../support/payloads';
import { TEST_STORE, postLead, tempDir } from '../support/harness';
import { signalBot, startBotProcess, type BotProcess } from '../support/botProcess';

const running: BotProcess[] = [];

/** `npm start` as a child process on `dataDir`, once it is ready; killed after the test whatever happens. */
async function startBot(dataDir: string): Promise<BotProcess> {
  const bot = await startBotProcess(dataDir);
  running.push(bot);
  return bot;
}

const buyers = Array.from({ length: 20 }, (_, n) => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `crash-buyer-${n}@northwind.example` },
}));

(TEST_STORE === 'cosmos' ? describe.skip : describe)('a crash right after the 202 loses nothing', function () {
  this.timeout(40_000);
  let dataDir: string;

  beforeEach(() => (dataDir = tempDir()));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((bot) => signalBot(bot, 'SIGKILL')));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('20 leads answered 202 are all still there after the bot is killed and started again', async () => {
    const first = await startBot(dataDir);
    const accepted = await Promise.all(buyers.map((p) => postLead(first, p)));
    await signalBot(first, 'SIGKILL'); // the moment the last 202 is in: no graceful shutdown, nothing flushed on exit
    assert.deepEqual(
      accepted.map((r) => r.status),
      Array(20).fill(202),
      JSON.stringify(accepted.filter((r) => r.status !== 202)),
    );
    const ids = accepted.map((r) => r.body.id as string);
    assert.equal(new Set(ids).size, 20, '20 distinct leads');

    const second = await startBot(dataDir);
    const again = await Promise.all(buyers.map((p) => postLead(second, p)));
    assert.deepEqual(
      again.map((r) => `${r.status} ${r.body.status}`),
      Array(20).fill('200 duplicate'),
      'the restarted bot knows every lead',
    );
    assert.deepEqual(
      again.map((r) => r.body.id),
      ids,
      'under the ids the first bot answered with',
    );
    await signalBot(second, 'SIGTERM');

    const store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
    try {
      const leads = await store.leads.all();
      assert.equal(leads.length, 20);
      assert.deepEqual(leads.map((l) => l.id).sort(), [...ids].sort());
      assert.ok(
        leads.every((l) => l.signals.length === 1 && l.status === 'new'),
        'each stored once, as received',
      );
    } finally {
      await store.close();
    }
  });
});
