/**
 * Can the Microsoft 365 Agents Playground act as a Turkish user? Its own compose box and HTTP API always send
 * `locale: "en-US"` (and a clientInfo entity with en-US and the Playground process's time zone): checked here on what
 * the bot recorded. Its "Mock an Activity" endpoint (`POST /_internal/v1/customActivities`) forwards any activity
 * as it is, so a Turkish user's message can be sent that way and the bot's answer read from the Playground's
 * WebSocket, as its web UI shows it. docs/playground-turkish.md tells the run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { App } from '../../src/main';
import { t } from '../../src/i18n';
import { startBot, waitFor } from '../support/harness';
import { playgroundCli, startPlayground, PLAYGROUND_TEAM, type Playground } from '../support/playground';

describe('Agents Playground as a Turkish user', function () {
  this.timeout(30_000);
  let app: App | undefined;
  let playground: Playground | undefined;

  before(async function () {
    if (!playgroundCli()) {
      process.stderr.write('  skipped: @microsoft/m365agentsplayground is not installed\n');
      this.skip();
    }
    app = await startBot();
    playground = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0 });
    await playground.install(PLAYGROUND_TEAM.id);
  });

  after(async () => {
    await playground?.stop();
    await app?.stop();
  });

  it('its own messages always say en-US, whatever the machine’s language', async () => {
    const pg = playground!;
    const cfg = await pg.config();
    await pg.mention(PLAYGROUND_TEAM.general.id, 'help');
    const prefs = await waitFor('the sender’s locale kept', () => app!.installs.getUserPrefs(cfg.currentUser.id));
    assert.equal(prefs.locale, 'en-US');
  });

  it('a mocked activity from a tr-TR client gets Turkish answers on the Playground’s stream', async () => {
    const pg = playground!;
    const cfg = await pg.config();
    const user = cfg.users.find((u) => u.id !== cfg.currentUser.id) ?? cfg.currentUser;
    const chat = cfg.personalChat.id;
    const activity = {
      type: 'message',
      id: `tr-${Date.now()}`,
      channelId: 'msteams',
      serviceUrl: pg.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.name },
      recipient: { id: cfg.bot.id, name: cfg.bot.name },
      conversation: { id: chat, conversationType: 'personal', tenantId: cfg.tenantId },
      channelData: { tenant: { id: cfg.tenantId } },
      text: 'yardım',
      textFormat: 'plain',
      locale: 'tr-TR',
      entities: [{ type: 'clientInfo', locale: 'tr-TR', country: 'TR', platform: 'Web', timezone: 'Europe/Istanbul' }],
    };
    const res = await fetch(`${pg.url}/_internal/v1/customActivities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    assert.equal(res.status, 200);
    const heading = t('tr', 'command.intro');
    const answer = await pg.waitForMessage(
      (e) => e.action === 'createMessage' && (e.message?.text ?? '').includes(heading),
      10_000,
      'the Turkish help',
    );
    assert.ok(answer.message?.text?.includes('yardım'), answer.message?.text);
    const prefs = await app!.installs.getUserPrefs(user.id);
    assert.deepEqual([prefs?.locale, prefs?.timeZone], ['tr-TR', 'Europe/Istanbul']);
    const file = process.env.LEADDESK_PLAYGROUND_TRANSCRIPT;
    if (file)
      fs.writeFileSync(
        file,
        `POST /_internal/v1/customActivities\n${JSON.stringify(activity, null, 2)}\n\n` +
          `WebSocket createMessage (${answer.actionConversationId}):\n${answer.message?.text}\n`,
      );
  });
});
