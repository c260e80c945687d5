/**
 * Forged Bot Framework tokens get 401, never 500, and no internal text: the real bot with an app id, its OpenID
 * metadata (BotOpenIdMetadata) served from 127.0.0.1 with a key pair made for the run, so every token here is signed,
 * forged or broken on purpose. When those keys cannot be fetched the bot answers 503 with Retry-After, in time for
 * Teams to retry. Every line the bot prints meanwhile is JSON, the SDK's included.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type KeyLike } from 'jose';
import { ERRORS } from '../../src/leads/errors';
import type { App } from '../../src/main';
import { LocalTeams, SECRET, logLines, startBot, tempDir } from '../support/harness';

const APP_ID = '5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PASSWORD = 'the-bot-app-password-0123456789';
const KID = 'bf-test-key';
const ISSUER = 'https://api.botframework.com';

// ---------------------------------------------------------------------------------------------------------
// The Bot Framework's identity provider, on 127.0.0.1

/** The run's signing key (published by the metadata endpoint) and a stranger's. */
const keys = (async () => {
  const bf = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(bf.publicKey)), kid: KID, use: 'sig', endorsements: ['msteams'] };
  return { signing: bf.privateKey, jwk, stranger: (await generateKeyPair('RS256')).privateKey };
})();

type Mode = 'up' | 'error' | 'hang' | 'down';
const servers: http.Server[] = [];

/**
 * An OpenID metadata endpoint as login.botframework.com serves it: the document, then the key set it points to.
 * 'error' answers 500, 'hang' never answers, 'down' refuses connections. Each call is a new URL, so the SDK's
 * per-URL key cache never carries over from one test to the next.
 */
async function identityProvider(mode: Mode): Promise<string> {
  const { jwk } = await keys;
  const server = http.createServer((req, res) => {
    if (mode === 'hang') return;
    if (mode === 'error') {
      res.writeHead(500);
      res.end();
      return;
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = req.url === '/keys' ? { keys: [jwk] } : { issuer: ISSUER, jwks_uri: `${base}/keys` };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
  if (mode === 'down') await new Promise((r) => server.close(r));
  else servers.push(server);
  return url;
}

const seconds = (offset = 0) => Math.floor(Date.now() / 1000) + offset;

/** A channel token as the Bot Framework signs it for this bot and this activity's serviceUrl, with overrides. */
async function token(
  serviceUrl: string,
  claims: JWTPayload = {},
  opts: { key?: KeyLike | 'stranger'; kid?: string } = {},
): Promise<string> {
  const { signing, stranger } = await keys;
  return new SignJWT({
    serviceurl: serviceUrl,
    iss: ISSUER,
    aud: APP_ID,
    nbf: seconds(-60),
    exp: seconds(3600),
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? KID, typ: 'JWT' })
    .sign(opts.key === 'stranger' ? stranger : (opts.key ?? signing));
}

/** Every kind of token an attacker may try, each with the activity's right serviceUrl unless the point is not to. */
async function forgedTokens(serviceUrl: string): Promise<Record<string, string | undefined>> {
  const { signing } = await keys;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { serviceurl: serviceUrl, iss: ISSUER, aud: APP_ID, exp: seconds(3600) };
  return {
    'no token': undefined,
    garbage: 'Bearer not.a.jwt',
    'no Bearer scheme': `Basic ${Buffer.from(`${APP_ID}:${PASSWORD}`).toString('base64')}`,
    'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT', kid: KID })}.${b64(claims)}.`,
    'HS256 signed with the app password': `Bearer ${await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: KID, typ: 'JWT' })
      .sign(new TextEncoder().encode(PASSWORD))}`,
    'RS256 with an unknown key id': `Bearer ${await token(serviceUrl, {}, { key: 'stranger', kid: 'not-published' })}`,
    'RS256 by a stranger under the published key id': `Bearer ${await token(serviceUrl, {}, { key: 'stranger' })}`,
    'the right key under an unknown key id': `Bearer ${await token(serviceUrl, {}, { key: signing, kid: 'x' })}`,
    'a valid signature for another bot (audience)': `Bearer ${await token(serviceUrl, { aud: '00000000-0000-0000-0000-00000000beef' })}`,
    'a valid signature from another issuer': `Bearer ${await token(serviceUrl, { iss: 'https://evil.example' })}`,
    expired: `Bearer ${await token(serviceUrl, { nbf: seconds(-7200), exp: seconds(-3600) })}`,
    'not valid yet': `Bearer ${await token(serviceUrl, { nbf: seconds(3600), exp: seconds(7200) })}`,
    'a token for another channel (serviceUrl)': `Bearer ${await token('https://smba.evil.example/')}`,
  };
}

/** POSTs an activity to /api/messages with this Authorization header (none if undefined). */
async function post(app: { url: string }, activity: unknown, authorization: string | undefined) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function signedInBot(metadataUrl: string): Promise<App> {
  return startBot({
    env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: PASSWORD, BotOpenIdMetadata: metadataUrl },
    overrides: { jobs: false },
  });
}

after(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
});

// ---------------------------------------------------------------------------------------------------------

describe('tokens on /api/messages (MicrosoftAppId set)', () => {
  let teams: LocalTeams;
  let app: App;
  before(async () => {
    teams = await new LocalTeams().start();
    app = await signedInBot(await identityProvider('up'));
  });
  after(async () => {
    await app?.stop();
    await teams?.stop();
  });

  it('a forged token gets 401 with a coded JSON body and a plain sentence, never 500, and nothing happens', async () => {
    const [install] = teams.installActivities();
    for (const [what, authorization] of Object.entries(await forgedTokens(teams.serviceUrl))) {
      const res = await post(app, install, authorization);
      assert.equal(res.status, 401, `${what}: ${res.text}`);
      assert.match(res.headers.get('content-type')!, /^application\/json/, what);
      assert.match(res.headers.get('www-authenticate')!, /^Bearer /, what);
      assert.deepEqual(
        JSON.parse(res.text),
        { error: { code: 'bot.unauthorized', message: ERRORS['bot.unauthorized'].message } },
        what,
      );
    }
    assert.deepEqual(await app.installs.channels(), [], 'nothing was recorded from a refused activity');
    assert.deepEqual(teams.requests, [], 'the bot called nobody');
  });

  it('a token the Bot Framework signed for this bot is accepted, and the bot runs the activity', async () => {
    const [install] = teams.installActivities();
    const res = await post(app, install, `Bearer ${await token(teams.serviceUrl)}`);
    assert.ok(res.status >= 200 && res.status < 300, `got ${res.status}: ${res.text}`);
    assert.equal((await app.installs.channels()).length, 1, 'the install was recorded');
  });

  it('a body that is not an activity gets 400 with a coded JSON body', async () => {
    for (const body of ['[1,2]', '{"text":"no type"}', '"just a string"']) {
      const res = await post(app, body, `Bearer ${await token(teams.serviceUrl)}`);
      assert.equal(res.status, 400, body);
      assert.equal(JSON.parse(res.text).error.code, 'bot.bad-activity', body);
    }
  });

  it('while forged tokens are refused, every line the process prints is JSON (the SDK’s output included)', async () => {
    const printed: string[] = [];
    const fromLog = logLines.length;
    const writes = { out: process.stdout.write, err: process.stderr.write };
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      const [install] = teams.installActivities();
      for (const authorization of Object.values(await forgedTokens(teams.serviceUrl)))
        await post(app, install, authorization);
    } finally {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    }
    const lines = [...printed, ...logLines.slice(fromLog)].flatMap((c) => c.split('\n')).filter((l) => l.trim());
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line.slice(0, 200)}`);
    const refusals = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'activity refused');
    assert.equal(refusals.length, 13);
    assert.ok(refusals.every((l) => l.code === 'bot.unauthorized' && l.level === 30));
    assert.ok(
      lines.some((l) => /Bot Framework SDK output/.test(l)),
      'the SDK printed, and its lines came out as JSON',
    );
  });
});

describe('when the Bot Framework’s signing keys cannot be fetched', () => {
  let teams: LocalTeams;
  before(async () => {
    teams = await new LocalTeams().start();
  });
  after(async () => {
    await teams?.stop();
  });

  for (const mode of ['down', 'error', 'hang'] as const) {
    it(`the bot answers 503 with Retry-After within 5 s, so Teams retries (metadata endpoint ${mode})`, async function () {
      this.timeout(5000);
      const app = await signedInBot(await identityProvider(mode));
      try {
        const [install] = teams.installActivities();
        const res = await post(app, install, `Bearer ${await token(teams.serviceUrl)}`);
        assert.equal(res.status, 503, res.text);
        assert.equal(res.headers.get('retry-after'), '10');
        assert.deepEqual(JSON.parse(res.text), {
          error: { code: 'bot.keys-unavailable', message: ERRORS['bot.keys-unavailable'].message },
        });
        assert.deepEqual(await app.installs.channels(), []);
      } finally {
        await app.stop();
      }
    });
  }
});

describe('local mode (no MicrosoftAppId) stays local', () => {
  it('an activity that names a channel off this machine (serviceUrl) gets 403 and the bot calls nobody', async () => {
    const teams = await new LocalTeams().start();
    const app = await startBot({ overrides: { jobs: false } });
    try {
      const [install] = teams.installActivities();
      for (const serviceUrl of ['https://smba.attacker.example/', 'http://10.0.0.5:8080/', 'http://169.254.169.254/']) {
        const res = await post(app, { ...install, serviceUrl }, undefined);
        assert.equal(res.status, 403, serviceUrl);
        assert.equal(JSON.parse(res.text).error.code, 'bot.local-channel-only');
      }
      assert.deepEqual(await app.installs.channels(), []);
      const local = await post(app, install, undefined);
      assert.equal(local.status, 200, 'the local channel (127.0.0.1) is served');
      assert.equal((await app.installs.channels()).length, 1);
    } finally {
      await app.stop();
      await teams.stop();
    }
  });
});

describe('npm start, as the attacker saw it', () => {
  it('prints nothing but JSON lines while it refuses forged tokens', async function () {
    this.timeout(30_000);
    const teams = await new LocalTeams().start();
    const metadata = await identityProvider('up');
    const port = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: tempDir(),
        LEAD_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: 'debug',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: PASSWORD,
        BotOpenIdMetadata: metadata,
        COSMOS_ENDPOINT: '',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const printed: string[] = [];
    child.stdout!.on('data', (d) => printed.push(String(d)));
    child.stderr!.on('data', (d) => printed.push(String(d)));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const bot = { url: `http://127.0.0.1:${port}` };
    try {
      for (let up = false; !up; await new Promise((r) => setTimeout(r, 50))) {
        if (child.exitCode !== null) assert.fail(`the bot exited while starting:\n${printed.join('')}`);
        up = await fetch(`${bot.url}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
      }
      const [install] = teams.installActivities();
      const answers = [];
      for (const authorization of Object.values(await forgedTokens(teams.serviceUrl)))
        answers.push((await post(bot, install, authorization)).status);
      assert.deepEqual(new Set(answers), new Set([401]));
    } finally {
      child.kill('SIGTERM');
      await exited;
      await teams.stop();
    }
    const lines = printed
      .join('')
      .split('\n')
      .filter((l) => l.trim());
    assert.ok(lines.length > 13, 'the bot logged');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line.slice(0, 200)}`);
    assert.equal(lines.filter((l) => /"activity refused"/.test(l)).length, 13);
  });
});
