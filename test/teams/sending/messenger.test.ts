/**
 * Teams throttles a conversation, not a request: after a 429 with Retry-After, nothing else to that conversation
 * may arrive before the time is up — the retried request and every request queued behind it.
 */
import assert from 'node:assert/strict';
import {
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { Messenger } from '../../../src/teams/sending/messenger';
import { LocalTeams } from '../../support/localTeams';

describe('teams/messenger: a 429 pauses the whole conversation', () => {
  let teams: LocalTeams;
  beforeEach(async () => {
    teams = await new LocalTeams().start();
  });
  afterEach(async () => teams.stop());

  it('sends nothing to a throttled conversation before Retry-After, then delivers every queued message once', async function () {
    this.timeout(10_000);
    const auth = new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions);
    const messenger = new Messenger({ appId: '', auth, maxAttempts: 3 });
    const conversationId = `${teams.team.id};messageid=1`;
    teams.fail({ status: 429, retryAfter: 0.6, times: 1, ops: ['send'] });
    const send = (i: number) =>
      messenger.send({ serviceUrl: teams.serviceUrl, conversationId }, { type: 'message', text: `reminder ${i}` });
    const first = send(0);
    // More messages for the same conversation come while Teams is still asking us to wait.
    while (!teams.requests.some((r) => r.status === 429)) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([first, ...[1, 2, 3, 4].map(send)]);
    const requests = teams.requests.filter((r) => r.op === 'send');
    const throttled = requests.find((r) => r.status === 429)!;
    const after = requests.filter((r) => r.at > throttled.at);
    assert.equal(requests.filter((r) => r.status < 300).length, 5, 'every message delivered once');
    assert.ok(after.length >= 4, 'the others were queued behind the throttled one');
    for (const r of after)
      assert.ok(
        r.at - throttled.at >= 600,
        `a request arrived ${r.at - throttled.at} ms after the 429 (Retry-After 600 ms)`,
      );
  });
});
