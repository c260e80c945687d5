/** Configuration: every setting checked at start, a clear "expected X, got Y" per bad value. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, suspiciousNames, summarizeConfig } from '../src/config';
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
});
