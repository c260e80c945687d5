/**
 * The Pipeline tab's API decides who sees contact data of every lead, so each refusal (no token, forged, expired,
 * another app's, not a manager, no local access key in local mode) is shown here, driven with ten-line plain
 * request/response objects (no server) and test tokens signed by a key pair made for the run; Entra's key set is also
 * served from 127.0.0.1 to show the 503 when it is down or hangs. The bot's own wiring is checked at the end.
 */
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { csvCell, leadsCsv } from '../../src/reports/csv';
import {
  localKeyOnly,
  parsePipelineQuery,
  pipelineApi,
  pipelineAuth,
  teamsSso,
  type PipelineAuth,
  type PipelineReader,
} from '../../src/http/pipelineApi';
import type { PipelineQuery } from '../../src/reports/pipeline';
import type { Lead } from '../../src/leads/lead';
import { ANA, makeLead } from '../support/leadFixtures';
import { startBot } from '../support/harness';

// ---------------------------------------------------------------------------------------------------------
// Builders

const APP_ID = '3f2b8c1e-7a4d-4e2b-9c61-0d5e8f7a1b23';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const MANAGER_OID = '00000000-0000-0000-0000-0000000000a1';
const SELLER_OID = '00000000-0000-0000-0000-0000000000b2';
const NOW = new Date('2026-11-24T14:07:00.000Z');

type Sent = { status: number; headers: Record<string, string>; body: string; json(): any };

function request(
  url: string,
  opts: { headers?: Record<string, string>; remoteAddress?: string } = {},
): IncomingMessage {
  const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return { url, headers, socket: { remoteAddress: opts.remoteAddress ?? '127.0.0.1' } } as unknown as IncomingMessage;
}

async function call(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  req: IncomingMessage,
): Promise<Sent> {
  const sent: Sent = { status: 0, headers: {}, body: '', json: () => JSON.parse(sent.body) };
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => {
      sent.headers[k.toLowerCase()] = String(v);
    },
    writeHead(status: number, headers: Record<string, string | number>) {
      sent.status = status;
      for (const [k, v] of Object.entries(headers)) sent.headers[k.toLowerCase()] = String(v);
      this.headersSent = true;
    },
    end: (text: string) => {
      sent.body = text;
    },
  };
  await handler(req, res as unknown as ServerResponse);
  return sent;
}

/** A Pipeline that records the queries it gets. */
function fakePipeline(leads: Lead[] = [makeLead()]): PipelineReader & { queries: PipelineQuery[] } {
  const queries: PipelineQuery[] = [];
  const summary = (q: PipelineQuery) =>
    ({
      range: { name: q.range ?? 'this-week', label: 'This week' },
      filter: {},
      summary: { total: leads.length },
    }) as never;
  const record = <T>(q: PipelineQuery, answer: T): T => {
    queries.push(q);
    return answer;
  };
  return { queries, summary: async (q) => record(q, summary(q)), leads: async (q) => record(q, leads) };
}

const open: PipelineAuth = async () => ({ kind: 'local' });

/** Entra ID for the run: a key pair whose public half is the local JWKS the SSO check is handed, and a stranger's key. */
const keys = (async () => {
  const entra = await generateKeyPair('RS256');
  const published = { ...(await exportJWK(entra.publicKey)), kid: 'entra-test-key', alg: 'RS256', use: 'sig' };
  const jwks = createLocalJWKSet({ keys: [published] });
  return { signing: entra.privateKey, jwks, published, stranger: (await generateKeyPair('RS256')).privateKey };
})();
const getKey: JWTVerifyGetKey = async (header, token) => (await keys).jwks(header, token);

/** A Teams SSO token as Entra ID issues it for the tab (v2 issuer, api:// audience), with overrides. */
async function token(
  claims: JWTPayload = {},
  opts: { key?: KeyLike | 'stranger'; expiresAt?: Date; kid?: string } = {},
): Promise<string> {
  const { signing, stranger } = await keys;
  const iat = Math.floor(NOW.getTime() / 1000) - 60;
  return new SignJWT({ tid: TENANT, oid: MANAGER_OID, scp: 'access_as_user', name: 'Ana Souza', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'entra-test-key' })
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : `https://login.microsoftonline.com/${TENANT}/v2.0`)
    .setAudience((claims.aud as string) ?? `api://leaddesk.contoso.com/${APP_ID}`)
    .setIssuedAt(iat)
    .setExpirationTime(Math.floor((opts.expiresAt ?? new Date(NOW.getTime() + 3600_000)).getTime() / 1000))
    .sign(opts.key === 'stranger' ? stranger : (opts.key ?? signing));
}

function sso(overrides: Partial<Parameters<typeof teamsSso>[0]> = {}): PipelineAuth {
  return teamsSso({ appId: APP_ID, managerIds: [MANAGER_OID, ANA.id], getKey, now: () => NOW, ...overrides });
}

async function ask(auth: PipelineAuth, authorization?: string, url = '/api/pipeline?range=this-week'): Promise<Sent> {
  return call(
    pipelineApi({ pipeline: fakePipeline(), auth }).summary,
    request(url, { headers: authorization ? { Authorization: authorization } : {} }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Teams SSO

describe('GET /api/pipeline with Teams SSO (MicrosoftAppId set)', () => {
  it('answers a manager with a good token with the summary', async () => {
    const res = await ask(sso(), `Bearer ${await token()}`);
    assert.equal(res.status, 200);
    assert.equal(res.json().summary.total, 1);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('asks who the managers are when the request comes: a manager of any team, added in chat, is let in', async () => {
    let managers: string[] = ['aad-someone-else'];
    const auth = sso({ managerIds: async () => managers });
    assert.equal((await ask(auth, `Bearer ${await token()}`)).status, 403);
    managers = [...managers, MANAGER_OID];
    assert.equal((await ask(auth, `Bearer ${await token()}`)).status, 200);
  });

  it('accepts a v1 token (sts.windows.net issuer) whose audience is the app id itself', async () => {
    const res = await ask(sso(), `Bearer ${await token({ iss: `https://sts.windows.net/${TENANT}/`, aud: APP_ID })}`);
    assert.equal(res.status, 200);
  });

  it('refuses a request without a token with 401, a WWW-Authenticate header and a sentence saying how to sign in', async () => {
    const res = await ask(sso());
    assert.equal(res.status, 401);
    assert.equal(res.json().error.code, 'pipeline.unauthorized');
    assert.match(res.json().error.message, /Bearer <Teams SSO token>.*no token was sent/);
    assert.match(res.headers['www-authenticate']!, /^Bearer /);
  });

  it('refuses an expired token', async () => {
    const res = await ask(sso(), `Bearer ${await token({}, { expiresAt: new Date(NOW.getTime() - 10 * 60_000) })}`);
    assert.equal(res.status, 401);
    assert.match(res.json().error.message, /the token has expired/);
  });

  it('refuses a token meant for another app (wrong audience), even one that looks like ours', async () => {
    for (const aud of [
      'api://leaddesk.contoso.com/11111111-2222-3333-4444-555555555555',
      `https://graph.microsoft.com`,
      `api://evil.example/${APP_ID}/extra`,
    ]) {
      const res = await ask(sso(), `Bearer ${await token({ aud })}`);
      assert.equal(res.status, 401, aud);
      assert.match(res.json().error.message, /meant for another app/);
    }
  });

  it('refuses a token signed by a key that is not Entra ID’s', async () => {
    const res = await ask(sso(), `Bearer ${await token({}, { key: 'stranger' })}`);
    assert.equal(res.status, 401);
    assert.match(res.json().error.message, /not signed by Microsoft Entra ID/);
  });

  it('refuses a token whose issuer is not its own tenant’s Entra ID', async () => {
    const res = await ask(
      sso(),
      `Bearer ${await token({ iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-00000000dead/v2.0' })}`,
    );
    assert.equal(res.status, 401);
    assert.match(res.json().error.message, /not issued by Microsoft Entra ID/);
  });

  it('refuses a token of another tenant when the bot is SingleTenant', async () => {
    const res = await ask(sso({ tenantId: '9c2d7a55-0000-0000-0000-000000000001' }), `Bearer ${await token()}`);
    assert.equal(res.status, 401);
    assert.match(res.json().error.message, /another tenant/);
  });

  it('refuses a token without an oid (not a user) and garbage that is not a JWT', async () => {
    const noOid = await new SignJWT({ tid: TENANT })
      .setProtectedHeader({ alg: 'RS256', kid: 'entra-test-key' })
      .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience(APP_ID)
      .setExpirationTime('1h')
      .sign((await keys).signing);
    assert.equal((await ask(sso({ now: undefined }), `Bearer ${noOid}`)).status, 401);
    const res = await ask(sso(), 'Bearer not.a.jwt');
    assert.equal(res.status, 401);
    assert.match(res.json().error.message, /not a valid JWT|not signed/);
  });

  it('answers a signed-in seller who is not a manager with 403 pipeline.forbidden', async () => {
    const res = await ask(sso(), `Bearer ${await token({ oid: SELLER_OID })}`);
    assert.equal(res.status, 403);
    assert.equal(res.json().error.code, 'pipeline.forbidden');
    assert.match(res.json().error.message, /Only sales managers/);
  });

  it('answers 503 (not 401) when Entra ID’s keys cannot be fetched', async () => {
    const down = sso({
      getKey: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    });
    const res = await ask(down, `Bearer ${await token()}`);
    assert.equal(res.status, 503);
    assert.equal(res.json().error.code, 'pipeline.keys-unavailable');
    assert.equal(res.headers['retry-after'], '10');
  });

  it('refuses forged tokens: alg none, HS256 with a shared secret, an unknown key id, not valid yet', async () => {
    const { signing } = await keys;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      tid: TENANT,
      oid: MANAGER_OID,
      aud: APP_ID,
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    };
    const exp = Math.floor(NOW.getTime() / 1000) + 3600;
    const forged = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT', kid: 'entra-test-key' })}.${b64({ ...claims, exp })}.`,
      'HS256 with a shared secret': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'entra-test-key' })
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(APP_ID)),
      'an unknown key id': await token({}, { key: 'stranger', kid: 'not-an-entra-key' }),
      'our key under another key id': await token({}, { key: signing, kid: 'not-an-entra-key' }),
      'not valid yet': await token({ nbf: Math.floor(NOW.getTime() / 1000) + 600 }),
    };
    for (const [what, jwt] of Object.entries(forged)) {
      const res = await ask(sso(), `Bearer ${jwt}`);
      assert.equal(res.status, 401, what);
      assert.equal(res.json().error.code, 'pipeline.unauthorized', what);
      assert.match(res.headers['www-authenticate']!, /^Bearer /, what);
    }
  });

  describe('with Entra’s key set served over HTTP (127.0.0.1)', () => {
    const servers: http.Server[] = [];
    after(() => {
      for (const s of servers) s.closeAllConnections();
      for (const s of servers) s.close();
    });

    /** 'up' serves the key set, 'error' answers 500, 'hang' never answers, 'down' refuses connections. */
    async function keySet(mode: 'up' | 'error' | 'hang' | 'down'): Promise<string> {
      const { published } = await keys;
      const server = http.createServer((_req, res) => {
        if (mode === 'hang') return;
        res.writeHead(mode === 'error' ? 500 : 200, { 'Content-Type': 'application/json' });
        res.end(mode === 'error' ? '{}' : JSON.stringify({ keys: [published] }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/discovery/v2.0/keys`;
      if (mode === 'down') await new Promise((r) => server.close(r));
      else servers.push(server);
      return url;
    }

    const remote = (keysUrl: string) => teamsSso({ appId: APP_ID, managerIds: [MANAGER_OID], keysUrl, now: () => NOW });

    it('checks a token against the published keys (a good one passes, a stranger’s is refused)', async () => {
      const auth = remote(await keySet('up'));
      assert.equal((await ask(auth, `Bearer ${await token()}`)).status, 200);
      assert.equal((await ask(auth, `Bearer ${await token({}, { key: 'stranger' })}`)).status, 401);
    });

    it('answers 503 with Retry-After when the key set is down, failing or does not answer (within 5 s)', async function () {
      this.timeout(5000);
      for (const mode of ['down', 'error', 'hang'] as const) {
        const res = await ask(remote(await keySet(mode)), `Bearer ${await token()}`);
        assert.equal(res.status, 503, mode);
        assert.equal(res.json().error.code, 'pipeline.keys-unavailable', mode);
        assert.equal(res.headers['retry-after'], '10', mode);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Local mode

describe('GET /api/pipeline in local mode (no MicrosoftAppId)', () => {
  const KEY = 'the-local-access-key-0123456789';
  const pipeline = fakePipeline();
  const handler = () => pipelineApi({ pipeline, auth: localKeyOnly(KEY) }).summary;

  it('answers whoever has the local access key: as ?key=, as the X-Lead-Desk-Key header or as the tab’s cookie', async () => {
    pipeline.queries.length = 0;
    assert.equal((await call(handler(), request(`/api/pipeline?key=${KEY}&range=all`))).status, 200);
    assert.deepEqual(pipeline.queries, [{ range: 'all' }], 'the key is no query parameter of the pipeline');
    const header = request('/api/pipeline', { headers: { 'X-Lead-Desk-Key': KEY } });
    assert.equal((await call(handler(), header)).status, 200);
    const cookie = request('/api/pipeline', { headers: { Cookie: `theme=dark; leaddesk_key=${KEY}` } });
    assert.equal((await call(handler(), cookie)).status, 200);
  });

  it('refuses a request without the key or with a wrong one with 403 pipeline.local-key, wherever it seems to come from', async () => {
    const refused = [
      request('/api/pipeline', { remoteAddress: '127.0.0.1' }),
      request('/api/pipeline', { remoteAddress: '::1' }),
      request('/api/pipeline', { remoteAddress: '10.1.2.3' }),
      request('/api/pipeline?key=wrong-key', { remoteAddress: '127.0.0.1' }),
      request('/api/pipeline', { headers: { 'X-Lead-Desk-Key': `${KEY}x` } }),
      request('/api/pipeline', { headers: { Cookie: 'leaddesk_key=' } }),
      // what a local reverse proxy may or may not add: none of it matters
      ...['X-Real-IP', 'Via', 'X-Client-IP', 'X-Forwarded-For', 'Forwarded'].map((h) =>
        request('/api/pipeline', { remoteAddress: '127.0.0.1', headers: { [h]: '127.0.0.1' } }),
      ),
    ];
    for (const req of refused) {
      const res = await call(handler(), req);
      assert.equal(res.status, 403, JSON.stringify(req.headers));
      assert.equal(res.json().error.code, 'pipeline.local-key');
      assert.match(res.json().error.message, /open the tab with the link npm run dev or npm start prints/);
    }
  });

  it('is what main picks without an app id; with one, a request without a token gets 401', async () => {
    const local = pipelineAuth({ appId: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, [], KEY);
    assert.deepEqual(await local(request(`/?key=${KEY}`)), { kind: 'local' });
    await assert.rejects(
      local(request('/', { remoteAddress: '::1' })),
      (err: any) => err.code === 'pipeline.local-key',
    );
    const signedIn = pipelineAuth(
      { appId: APP_ID, appType: 'MultiTenant', tenantId: '', anonymous: false },
      [MANAGER_OID],
      undefined,
    );
    await assert.rejects(signedIn(request('/')), (err: any) => err.code === 'pipeline.unauthorized');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Parameters

describe('the pipeline query', () => {
  it('takes a range name, appsource|azure and an offer text, and defaults to nothing', () => {
    assert.deepEqual(parsePipelineQuery(new URLSearchParams('')), {});
    assert.deepEqual(parsePipelineQuery(new URLSearchParams('range=last-month&storefront=azure&offer=%20CRM%20')), {
      range: 'last-month',
      storefront: 'AzureMarketplace',
      offer: 'CRM',
    });
    assert.deepEqual(parsePipelineQuery(new URLSearchParams('range=ALL&storefront=AppSource')), {
      range: 'all',
      storefront: 'AppSource',
    });
    assert.deepEqual(parsePipelineQuery(new URLSearchParams('storefront=all&offer=')), {});
  });

  it('answers a bad range, storefront, offer or parameter with 400 and the code the webhook style uses', async () => {
    const cases: [string, string, RegExp][] = [
      ['range=next-year', 'pipeline.bad-range', /range must be one of today, yesterday, this-week.*got "next-year"/],
      ['storefront=googleplay', 'pipeline.bad-storefront', /appsource or azure/],
      [`offer=${'x'.repeat(101)}`, 'pipeline.bad-offer', /at most 100 characters/],
      ['rnage=today', 'pipeline.bad-parameter', /"rnage"/],
      ['range=today&range=all', 'pipeline.bad-parameter', /"range"/],
    ];
    for (const [query, code, message] of cases) {
      for (const path of ['/api/pipeline', '/api/pipeline.csv']) {
        const api = pipelineApi({ pipeline: fakePipeline(), auth: open });
        const res = await call(path.endsWith('.csv') ? api.csv : api.summary, request(`${path}?${query}`));
        assert.equal(res.status, 400, `${path}?${query}`);
        assert.equal(res.json().error.code, code);
        assert.match(res.json().error.message, message);
      }
    }
  });

  it('passes the parsed query to the Pipeline', async () => {
    const pipeline = fakePipeline();
    await call(
      pipelineApi({ pipeline, auth: open }).summary,
      request('/api/pipeline?range=today&storefront=appsource&offer=crm'),
    );
    assert.deepEqual(pipeline.queries, [{ range: 'today', storefront: 'AppSource', offer: 'crm' }]);
  });

  it('answers 500 store.failed (no stack, no detail) when the Pipeline throws', async () => {
    const broken: PipelineReader = {
      summary: () => Promise.reject(new Error('boom at line 3')),
      leads: () => Promise.reject(new Error('x')),
    };
    const res = await call(pipelineApi({ pipeline: broken, auth: open }).summary, request('/api/pipeline'));
    assert.equal(res.status, 500);
    assert.equal(res.json().error.code, 'store.failed');
    assert.doesNotMatch(res.body, /boom/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// CSV

describe('GET /api/pipeline.csv', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180) and leaves plain ones alone', () => {
    assert.equal(csvCell('Fabrikam'), 'Fabrikam');
    assert.equal(csvCell('Fabrikam, Inc.'), '"Fabrikam, Inc."');
    assert.equal(csvCell('The "Big" Deal'), '"The ""Big"" Deal"');
    assert.equal(csvCell('line one\nline two'), '"line one\nline two"');
    assert.equal(csvCell(undefined), '');
  });

  it('neutralizes cells that a spreadsheet would run as a formula (= + - @, tab, CR)', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example","x")'), `"'=HYPERLINK(""http://evil.example"",""x"")"`);
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('+HYPERLINK("http://evil.example")'), `"'+HYPERLINK(""http://evil.example"")"`);
    assert.equal(csvCell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('\r=1'), `"'\r=1"`);
    assert.equal(csvCell('a=b'), 'a=b');
  });

  it('keeps phone numbers and other plain values as they are, so a CRM imports them intact', () => {
    for (const v of [
      '+44 20 7946 0958',
      '+1 (555) 010-0199',
      '+90 212 555 01 23',
      '-42',
      '-',
      'Ana-Maria',
      'x@y.example',
    ])
      assert.equal(csvCell(v), v);
  });

  it('downloads the leads behind the numbers as an attachment, one CRLF row per lead under a header row', async () => {
    const leads = [
      makeLead(),
      makeLead({
        id: 'lead-2',
        status: 'claimed',
        owner: ANA,
        contact: { firstName: '=cmd|"/c calc"!A1', company: 'Contoso, Ltd', email: 'x@contoso.example' },
      }),
    ];
    const pipeline = fakePipeline(leads);
    const res = await call(
      pipelineApi({ pipeline, auth: open }).csv,
      request('/api/pipeline.csv?range=last-month&storefront=appsource'),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/csv; charset=utf-8/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="lead-desk-pipeline-last-month.csv"');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(pipeline.queries, [{ range: 'last-month', storefront: 'AppSource' }]);
    const rows = res.body.split('\r\n');
    assert.equal(rows.length, 4, 'header, two leads, and the final CRLF');
    assert.equal(
      rows[0],
      'id,received,status,storefront,offer,owner,rating,first name,last name,email,phone,company,country,title',
    );
    assert.equal(
      rows[1],
      'lead-7f3a9c2e,2026-11-24T14:05:00.000Z,new,AppSource,Contoso Analytics for Dynamics 365,,hot,Jamie,Müller-Lindqvist,jamie.mueller@fabrikam.example,+49 30 1234 5678,Fabrikam Logistics GmbH,DE,Head of Finance Operations',
    );
    assert.equal(
      rows[2],
      `lead-2,2026-11-24T14:05:00.000Z,claimed,AppSource,Contoso Analytics for Dynamics 365,Ana Souza,hot,"'=cmd|""/c calc""!A1",,x@contoso.example,,"Contoso, Ltd",,`,
    );
    assert.equal(rows[3], '');
    assert.equal(
      leadsCsv([]),
      'id,received,status,storefront,offer,owner,rating,first name,last name,email,phone,company,country,title\r\n',
    );
  });

  it('needs the same sign-in as the summary', async () => {
    const res = await call(pipelineApi({ pipeline: fakePipeline(), auth: sso() }).csv, request('/api/pipeline.csv'));
    assert.equal(res.status, 401);
    assert.equal(res.json().error.code, 'pipeline.unauthorized');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The bot's wiring

describe('the pipeline routes of a running bot', () => {
  it('ask for the local access key in local mode, and for a Teams token once MicrosoftAppId is set', async () => {
    const local = await startBot({ overrides: { jobs: false } });
    const signedIn = await startBot({
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-password' },
      overrides: { jobs: false },
    });
    try {
      const key = { 'X-Lead-Desk-Key': local.config.localKey! };
      assert.equal((await fetch(`${local.url}/api/pipeline?range=all`)).status, 403);
      const res = await fetch(`${local.url}/api/pipeline?range=all`, { headers: key });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(
        [
          ((await res.json()) as any).range.name,
          (await fetch(`${local.url}/api/pipeline?range=soon`, { headers: key })).status,
        ],
        ['all', 400],
      );
      assert.match(
        await (await fetch(`${local.url}/api/pipeline.csv?range=all`, { headers: key })).text(),
        /^id,received,status/,
      );
      assert.equal(signedIn.config.localKey, undefined, 'no local key with an app id');
      for (const path of ['/api/pipeline', '/api/pipeline.csv']) {
        const refused = await fetch(`${signedIn.url}${path}`);
        assert.equal(refused.status, 401, path);
        assert.equal(((await refused.json()) as any).error.code, 'pipeline.unauthorized');
      }
    } finally {
      await Promise.all([local.stop(), signedIn.stop()]);
    }
  });

  it('opening /tab?key=<key> sets the key as a same-site, script-proof cookie and drops it from the address', async () => {
    const local = await startBot({ overrides: { jobs: false } });
    const signedIn = await startBot({
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-password' },
      overrides: { jobs: false },
    });
    try {
      const key = local.config.localKey!;
      const entry = await fetch(`${local.url}/tab?key=${key}`, { redirect: 'manual' });
      assert.equal(entry.status, 303);
      assert.equal(entry.headers.get('location'), '/tab');
      const cookie = entry.headers.get('set-cookie')!;
      assert.match(cookie, new RegExp(`^leaddesk_key=${key}; Path=/; HttpOnly; SameSite=Strict$`));
      const csv = await fetch(`${local.url}/api/pipeline.csv?range=all`, { headers: { Cookie: cookie.split(';')[0] } });
      assert.equal(csv.status, 200);
      for (const [app, url] of [
        [local, '/tab?key=wrong'],
        [signedIn, `/tab?key=${key}`],
      ] as const) {
        const page = await fetch(`${app.url}${url}`, { redirect: 'manual' });
        assert.equal(page.status, 200, url);
        assert.equal(page.headers.get('set-cookie'), null, url);
      }
    } finally {
      await Promise.all([local.stop(), signedIn.stop()]);
    }
  });
});
