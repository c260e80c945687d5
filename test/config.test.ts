/** Configuration: every setting checked at start, a clear "expected X, got Y" per bad value. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, suspiciousNames, summarizeConfig } from '../src/config';
import { botAuthentication } from '../src/teams/adapter';
import { tempDir } from './support/harness';

describe('config', () => {
  it('defaults: port 3978, database leaddesk, job interval 10 s, embedded store', () => {
    const c = loadConfig({ DATA_DIR: tempDir() });
    assert.equal(c.port, 3978);
    assert.equal(c.cosmos.database, 'leaddesk');
    assert.equal(c.cosmos.endpoint, undefined);
    assert.equal(c.jobIntervalMs, 10_000);
    assert.equal(c.bot.anonymous, true);
    assert.ok(Object.isFrozen(c));
  });

  it('in local mode without LEAD_WEBHOOK_SECRET a secret is generated once and kept in DATA_DIR', () => {
    const dir = tempDir();
    const a = loadConfig({ DATA_DIR: dir });
    assert.equal(a.webhookSecretSource, 'generated');
    assert.ok(a.webhookSecret.length >= 24);
    assert.equal(fs.readFileSync(path.join(dir, 'webhook-secret'), 'utf8').trim(), a.webhookSecret);
    const b = loadConfig({ DATA_DIR: dir });
    assert.equal(b.webhookSecret, a.webhookSecret);
    assert.equal(b.webhookSecretSource, 'data-dir');
  });

  it('a generated webhook secret exists only in local mode: with an app id, LEAD_WEBHOOK_SECRET must be set', () => {
    const dir = tempDir();
    assert.throws(
      () => loadConfig({ DATA_DIR: dir, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' }),
      /LEAD_WEBHOOK_SECRET: expected a secret of at least 16 characters when MicrosoftAppId is set/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'webhook-secret')), false, 'nothing generated');
  });

  it('local mode listens on loopback only: any other HOST without an app id stops startup, saying why and what to do', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.1.1'])
      assert.equal(loadConfig({ DATA_DIR: tempDir(), HOST: host }).host, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'leaddesk.contoso.com']) {
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), HOST: host }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.deepEqual(err.problems, [
            `HOST: expected a loopback address without MicrosoftAppId (127.0.0.1, ::1 or localhost): set MicrosoftAppId (and MicrosoftAppPassword) to listen on other addresses (got "${host}")`,
          ]);
          return true;
        },
      );
    }
    const signedIn = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', LEAD_WEBHOOK_SECRET: 'x'.repeat(20) };
    assert.equal(loadConfig({ DATA_DIR: tempDir(), HOST: '0.0.0.0', ...signedIn }).host, '0.0.0.0');
  });

  it('local mode has a local access key for the pipeline, generated once and kept in DATA_DIR; an app id has none', () => {
    const dir = tempDir();
    const a = loadConfig({ DATA_DIR: dir });
    assert.ok(a.localKey && a.localKey.length >= 24);
    assert.equal(fs.readFileSync(path.join(dir, 'local-key'), 'utf8').trim(), a.localKey);
    assert.equal((fs.statSync(path.join(dir, 'local-key')).mode & 0o777).toString(8), '600');
    assert.equal(loadConfig({ DATA_DIR: dir }).localKey, a.localKey);
    assert.notEqual(loadConfig({ DATA_DIR: tempDir() }).localKey, a.localKey);
    const signedIn = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', LEAD_WEBHOOK_SECRET: 'x'.repeat(20) };
    assert.equal(loadConfig({ DATA_DIR: tempDir(), ...signedIn }).localKey, undefined);
    assert.equal(JSON.stringify(summarizeConfig(a)).includes(a.localKey), false, 'masked in the startup summary');
  });

  it('BotOpenIdMetadata (the channel tokens’ OpenID metadata) takes an https URL, or http on loopback only', () => {
    const signedIn = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', LEAD_WEBHOOK_SECRET: 'x'.repeat(20) };
    const load = (url: string) => loadConfig({ DATA_DIR: tempDir(), ...signedIn, BotOpenIdMetadata: url });
    assert.equal(loadConfig({ DATA_DIR: tempDir(), ...signedIn }).bot.openIdMetadata, undefined);
    for (const url of ['https://login.botframework.com/v1/.well-known/openidconfiguration', 'http://127.0.0.1:8080/x'])
      assert.equal(load(url).bot.openIdMetadata, url);
    assert.throws(() => load('http://idp.example/x'), /BotOpenIdMetadata: expected an https URL/);
    assert.throws(() => load('not a url'), /BotOpenIdMetadata: expected the URL of an OpenID metadata document/);
  });

  it('JOB_INTERVAL takes durations such as 500ms and 30s', () => {
    assert.equal(loadConfig({ DATA_DIR: tempDir(), JOB_INTERVAL: '500ms' }).jobIntervalMs, 500);
    assert.equal(loadConfig({ DATA_DIR: tempDir(), JOB_INTERVAL: '30s' }).jobIntervalMs, 30_000);
  });

  it('every bad value stops startup with a message naming the variable, what it expected and what it got', () => {
    assert.throws(
      () =>
        loadConfig({
          DATA_DIR: tempDir(),
          PORT: 'eighty',
          JOB_INTERVAL: 'soon',
          COSMOS_ENDPOINT: 'not a url',
          LOG_LEVEL: 'loud',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const text = err.message;
        assert.match(text, /PORT/);
        assert.match(text, /JOB_INTERVAL: expected a duration.*got "soon"/);
        assert.equal(text.split('"soon"').length, 2, 'the value is named once');
        assert.match(text, /COSMOS_ENDPOINT/);
        assert.match(text, /LOG_LEVEL/);
        assert.equal(err.problems.length, 4);
        return true;
      },
    );
  });

  it('production runs on the embedded SQLite store too, but never with a generated webhook secret', () => {
    const c = loadConfig({
      DATA_DIR: tempDir(),
      NODE_ENV: 'production',
      MicrosoftAppId: 'app',
      MicrosoftAppPassword: 'pw',
      LEAD_WEBHOOK_SECRET: 'x'.repeat(20),
    });
    assert.equal(c.cosmos.endpoint, undefined);
    assert.throws(
      () =>
        loadConfig({ DATA_DIR: tempDir(), NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' }),
      /LEAD_WEBHOOK_SECRET: expected a secret/,
    );
  });

  it('anonymous mode is refused in production', () => {
    assert.throws(
      () =>
        loadConfig({
          DATA_DIR: tempDir(),
          NODE_ENV: 'production',
          COSMOS_ENDPOINT: 'https://x.documents.azure.com:443/',
          LEAD_WEBHOOK_SECRET: 'x'.repeat(20),
        }),
      /anonymous mode is for local development only/,
    );
  });

  it('an app id without a password is refused; a SingleTenant bot needs its tenant', () => {
    assert.throws(() => loadConfig({ DATA_DIR: tempDir(), MicrosoftAppId: 'abc' }), /MicrosoftAppPassword/);
    assert.throws(
      () =>
        loadConfig({
          DATA_DIR: tempDir(),
          MicrosoftAppId: 'abc',
          MicrosoftAppPassword: 'p',
          MicrosoftAppType: 'SingleTenant',
        }),
      /MicrosoftAppTenantId/,
    );
  });

  it('a bot on a user-assigned managed identity (the Azure template) needs its tenant, no password', () => {
    const uami = {
      DATA_DIR: tempDir(),
      MicrosoftAppId: '22222222-2222-2222-2222-222222222222',
      MicrosoftAppType: 'UserAssignedMSI',
      LEAD_WEBHOOK_SECRET: 'x'.repeat(20),
    };
    assert.throws(() => loadConfig(uami), /MicrosoftAppTenantId: expected your tenant id for a UserAssignedMSI bot/);
    const c = loadConfig({ ...uami, MicrosoftAppTenantId: '11111111-1111-1111-1111-111111111111' });
    assert.equal(c.bot.appType, 'UserAssignedMSI');
    assert.equal(c.bot.appPassword, '');
    // The SDK takes it as it is: the identity's client id and tenant sign the bot's calls.
    assert.ok(botAuthentication(c.bot));
  });

  it("the Pipeline tab's SSO app (SSO_APP_ID) is a GUID of its own, else the bot's app id is used", () => {
    const base = {
      DATA_DIR: tempDir(),
      MicrosoftAppId: 'id',
      MicrosoftAppPassword: 'p',
      LEAD_WEBHOOK_SECRET: 'x'.repeat(20),
    };
    assert.equal(loadConfig(base).bot.ssoAppId, undefined);
    const sso = '33333333-3333-3333-3333-333333333333';
    assert.equal(loadConfig({ ...base, SSO_APP_ID: sso }).bot.ssoAppId, sso);
    assert.throws(() => loadConfig({ ...base, SSO_APP_ID: 'api://host/x' }), /SSO_APP_ID: expected the client id/);
  });

  it('a mistyped variable name is pointed out', () => {
    assert.deepEqual(suspiciousNames({ COSMOS_ENDPIONT: 'x', PATH: '/bin' }), [
      'COSMOS_ENDPIONT (did you mean COSMOS_ENDPOINT?)',
    ]);
  });

  it('the startup summary masks secrets', () => {
    const c = loadConfig({
      DATA_DIR: tempDir(),
      LEAD_WEBHOOK_SECRET: 'super-secret-value-123',
      MicrosoftAppId: 'id',
      MicrosoftAppPassword: 'pw-secret',
    });
    const text = JSON.stringify(summarizeConfig(c));
    assert.equal(text.includes('super-secret-value-123'), false);
    assert.equal(text.includes('pw-secret'), false);
  });

  it('reminder settings default to a 1 h first touch, the 1-3-7-14-21 day cadence and always-open hours in UTC', () => {
    const { followUp } = loadConfig({ DATA_DIR: tempDir() });
    assert.equal(followUp.firstTouchSlaMs, 3_600_000);
    assert.deepEqual(
      followUp.cadenceMs,
      [1, 3, 7, 14, 21].map((d) => d * 86_400_000),
    );
    assert.deepEqual(followUp.hours, { zone: 'UTC', spans: [] });
  });

  it('reads business hours in the team time zone and says what is wrong with a bad cadence, zone or hours', () => {
    const c = loadConfig({
      DATA_DIR: tempDir(),
      BUSINESS_HOURS: 'Mon-Fri 09:00-17:00',
      TIMEZONE: 'Europe/Istanbul',
      NURTURE_CADENCE: '30s, 2m',
    });
    assert.deepEqual(c.followUp.hours, {
      zone: 'Europe/Istanbul',
      spans: [{ days: [1, 2, 3, 4, 5], start: 540, end: 1020 }],
    });
    assert.deepEqual(c.followUp.cadenceMs, [30_000, 120_000]);
    assert.throws(
      () => loadConfig({ DATA_DIR: tempDir(), NURTURE_CADENCE: '3d,1d' }),
      /NURTURE_CADENCE: expected increasing durations .* got "3d,1d"/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: tempDir(), TIMEZONE: 'Istanbul' }),
      /TIMEZONE: expected an IANA time zone .*got "Istanbul"/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: tempDir(), BUSINESS_HOURS: '9 to 5' }),
      /BUSINESS_HOURS: expected opening hours such as "Mon-Fri 09:00-17:00", got "9 to 5"/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: tempDir(), FIRST_TOUCH_SLA: 'soon' }),
      /FIRST_TOUCH_SLA: expected a duration/,
    );
  });

  it('keeps closed leads unless RETENTION_DAYS says how many days, a whole number of 1 or more', () => {
    assert.equal(loadConfig({ DATA_DIR: tempDir() }).retentionDays, undefined);
    assert.equal(loadConfig({ DATA_DIR: tempDir(), RETENTION_DAYS: ' 365 ' }).retentionDays, 365);
    for (const bad of ['0', '-5', '1.5', '30d', 'forever'])
      assert.throws(
        () => loadConfig({ DATA_DIR: tempDir(), RETENTION_DAYS: bad }),
        new RegExp(`RETENTION_DAYS: expected a whole number of days .*got "${bad}"`),
        bad,
      );
  });
});
