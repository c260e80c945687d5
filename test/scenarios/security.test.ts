/**
 * Security: Bot Framework tokens are required once an app id is configured, and no lead's email, phone or name
 * ever reaches a log line (checked over everything this test run has logged, plus a fresh lead flow).
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload, docSamplePayload, tableEntityPayload, camelCasePayload } from '../support/payloads';
import { LocalTeams, install, logLines, postLead, sendActivity, startBot, waitFor } from '../support/harness';

describe('security', () => {
  it('with MicrosoftAppId set, /api/messages rejects an activity without a Bot Framework token (401)', async () => {
    const teams = await new LocalTeams().start();
    const app = await startBot({
      env: {
        MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
        MicrosoftAppPassword: 'not-a-real-secret',
        MicrosoftAppType: 'MultiTenant',
      },
      overrides: { jobs: false },
    });
    try {
      const [installActivity] = teams.installActivities();
      const res = await sendActivity(app, installActivity);
      assert.equal(res.status, 401);
      const garbage = await sendActivity(app, installActivity, { Authorization: 'Bearer not.a.jwt' });
      assert.equal(garbage.status, 401);
      assert.equal((await app.installs.channels()).length, 0, 'nothing was recorded from the rejected activity');
    } finally {
      await app.stop();
      await teams.stop();
    }
  });

  it('without MicrosoftAppId the bot runs in anonymous local mode and says so loudly', async () => {
    const from = logLines.length; // earlier tests start anonymous bots too: look only at this start's lines
    const app = await startBot({ overrides: { jobs: false } });
    await app.stop();
    assert.ok(
      logLines.slice(from).some((l) => /anonymous local mode/.test(l) && /"level":40/.test(l)),
      'a warning about anonymous mode',
    );
  });

  describe('no personal data in logs', () => {
    let teams: LocalTeams;
    let app: App;
    before(async () => {
      teams = await new LocalTeams().start();
      app = await startBot();
      await install(app, teams);
    });
    after(async () => {
      await app.stop();
      await teams.stop();
    });

    it("a lead's email, phone and name never appear in any log line, even when delivery fails and is retried", async () => {
      teams.fail({ status: 503, times: 1, ops: ['create'] });
      for (const p of [contactMePayload, docSamplePayload, tableEntityPayload, camelCasePayload]) {
        const res = await postLead(app, p);
        await waitFor('card', () => teams.cards().find((c) => JSON.stringify(c.card).includes(res.body.id)));
      }
      await postLead(app, { ...contactMePayload, UserDetails: { Email: 42 } }); // refused, 422
      await sendActivity(app, teams.mentionActivity('subscribe nonsense words here'));
      assert.ok(logLines.length > 20, 'the run did log');
      const secrets = [
        contactMePayload.UserDetails.Email,
        contactMePayload.UserDetails.Phone,
        contactMePayload.UserDetails.FirstName,
        contactMePayload.UserDetails.LastName,
        docSamplePayload.UserDetails.Email,
        docSamplePayload.UserDetails.Phone,
        'someone@contoso.com',
        '16175555555',
      ].filter((s): s is string => Boolean(s) && s.length > 3);
      const joined = logLines.join('\n');
      for (const s of secrets) assert.equal(joined.includes(s), false, `log contains ${s}`);
    });
  });
});
