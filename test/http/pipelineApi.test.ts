/**
 * The Pipeline tab's API decides who sees contact data of every lead, so each refusal (no token, expired, another
 * app's, not a manager, a remote caller in local mode) is shown here, driven with ten-line plain request/response
 * objects (no server) and test tokens signed by a key pair made for the run. The bot's own wiring is checked at the end.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  loopbackOnly,
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
  const jwks = createLocalJWKSet({
    keys: [{ ...(await exportJWK(entra.publicKey)), kid: 'entra-test-key', alg: 'RS256', use: 'sig' }],
  });
  return { signing: entra.privateKey, jwks, stranger: (await generateKeyPair('RS256')).privateKey };
})();
const getKey: JWTVerifyGetKey = async (header, token) => (await keys).jwks(header, token);

/** A Teams SSO token as Entra ID issues it for the tab (v2 issuer, api:// audience), with overrides. */
async function token(
  claims: JWTPayload = {},
  opts: { key?: KeyLike | 'stranger'; expiresAt?: Date } = {},
): Promise<string> {
  const { signing, stranger } = await keys;
  const iat = Math.floor(NOW.getTime() / 1000) - 60;
  return new SignJWT({ tid: TENANT, oid: MANAGER_OID, scp: 'access_as_user', name: 'Ana Souza', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'entra-test-key' })
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
  });
});

// ---------------------------------------------------------------------------------------------------------
// Local mode

describe('GET /api/pipeline in local mode (no MicrosoftAppId)', () => {
  const handler = () => pipelineApi({ pipeline: fakePipeline(), auth: loopbackOnly() }).summary;

  it('is open to a browser on this machine (127.0.0.1 and ::1), without a token', async () => {
    assert.equal((await call(handler(), request('/api/pipeline', { remoteAddress: '127.0.0.1' }))).status, 200);
    assert.equal((await call(handler(), request('/api/pipeline', { remoteAddress: '::1' }))).status, 200);
  });

  it('refuses a caller on another machine with 403 pipeline.loopback-only', async () => {
    const res = await call(handler(), request('/api/pipeline', { remoteAddress: '10.1.2.3' }));
    assert.equal(res.status, 403);
    assert.equal(res.json().error.code, 'pipeline.loopback-only');
  });

  it('refuses a request that came through a tunnel or proxy (forwarding headers), though it connects from loopback', async () => {
    const res = await call(
      handler(),
      request('/api/pipeline', { remoteAddress: '127.0.0.1', headers: { 'X-Forwarded-For': '203.0.113.9' } }),
    );
    assert.equal(res.status, 403);
  });

  it('is what main picks without an app id; with one, a request without a token gets 401', async () => {
    const local = pipelineAuth({ appId: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, []);
    assert.deepEqual(await local(request('/', { remoteAddress: '::1' })), { kind: 'local' });
    const signedIn = pipelineAuth({ appId: APP_ID, appType: 'MultiTenant', tenantId: '', anonymous: false }, [
      MANAGER_OID,
    ]);
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
    assert.equal(csvCell('+44 20 7946 0958'), "'+44 20 7946 0958");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('a=b'), 'a=b');
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
      "lead-7f3a9c2e,2026-11-24T14:05:00.000Z,new,AppSource,Contoso Analytics for Dynamics 365,,hot,Jamie,Müller-Lindqvist,jamie.mueller@fabrikam.example,'+49 30 1234 5678,Fabrikam Logistics GmbH,DE,Head of Finance Operations",
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
  it('are open on 127.0.0.1 in local mode, and refuse a request without a Teams token once MicrosoftAppId is set', async () => {
    const local = await startBot({ overrides: { jobs: false } });
    const signedIn = await startBot({
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-password' },
      overrides: { jobs: false },
    });
    try {
      const res = await fetch(`${local.url}/api/pipeline?range=all`);
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(
        [((await res.json()) as any).range.name, (await fetch(`${local.url}/api/pipeline?range=soon`)).status],
        ['all', 400],
      );
      assert.match(await (await fetch(`${local.url}/api/pipeline.csv?range=all`)).text(), /^id,received,status/);
      for (const path of ['/api/pipeline', '/api/pipeline.csv']) {
        const refused = await fetch(`${signedIn.url}${path}`);
        assert.equal(refused.status, 401, path);
        assert.equal(((await refused.json()) as any).error.code, 'pipeline.unauthorized');
      }
    } finally {
      await Promise.all([local.stop(), signedIn.stop()]);
    }
  });
});
