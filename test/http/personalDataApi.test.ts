/**
 * POST /api/personal-data/erase and /export with a bot app id: the webhook secret, or a manager's Teams SSO token
 * (the pipeline API's check, handed test keys made for the run); a forged token gets 401, a seller's 403. Served by a
 * real HTTP server over a real SQLite store and the real privacy use case.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { personalDataApi } from '../../src/http/personalDataApi';
import { teamsSso } from '../../src/http/pipelineApi';
import { PersonalData } from '../../src/privacy/personalData';
import { openStore, type Store } from '../../src/store';
import { leadOf } from '../store/contract/context';
import { tempDir } from '../support/harness';

const APP_ID = '3f2b8c1e-7a4d-4e2b-9c61-0d5e8f7a1b23';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const MANAGER_OID = '00000000-0000-0000-0000-0000000000a1';
const SELLER_OID = '00000000-0000-0000-0000-0000000000b2';
const SECRET = 'personal-data-test-secret-0123';

const keys = (async () => {
  const entra = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(entra.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  return {
    signing: entra.privateKey,
    jwks: createLocalJWKSet({ keys: [jwk] }),
    forger: await generateKeyPair('RS256'),
  };
})();
const getKey: JWTVerifyGetKey = async (header, token) => (await keys).jwks(header, token);

async function ssoToken(oid: string, forged = false): Promise<string> {
  const k = await keys;
  return new SignJWT({ tid: TENANT, oid })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
    .setAudience(`api://leaddesk.contoso.com/${APP_ID}`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(forged ? k.forger.privateKey : k.signing);
}

describe('http/personalDataApi with Teams SSO', () => {
  let dataDir: string;
  let store: Store;
  let server: http.Server;
  let url: string;
  const lead = leadOf(1);

  beforeEach(async () => {
    dataDir = tempDir();
    store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
    await store.leads.create(lead);
    const privacy = new PersonalData({ leads: store.leads, events: store.events, purge: () => store.purge() });
    const auth = teamsSso({ appId: APP_ID, managerIds: [MANAGER_OID], getKey });
    const api = personalDataApi({ privacy, secret: SECRET, auth });
    server = http.createServer((req, res) => void (req.url?.endsWith('/export') ? api.export : api.erase)(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/personal-data`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(what: 'erase' | 'export', authorization: string, body: unknown = { leadId: lead.id }) {
    const res = await fetch(`${url}/${what}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: authorization },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  }

  it("a manager's SSO token erases; the erase event names the manager by Entra id", async () => {
    const res = await post('erase', `Bearer ${await ssoToken(MANAGER_OID)}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { leads: 1, events: 0 });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const [event] = await store.events.forLead(lead.id, 5);
    assert.equal(event.verb, 'erase');
    assert.equal(event.actor?.aadObjectId, MANAGER_OID);
  });

  it('a forged token gets 401 with a Bearer challenge, and nothing is erased', async () => {
    const res = await post('erase', `Bearer ${await ssoToken(MANAGER_OID, true)}`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'privacy.unauthorized');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await store.leads.get(lead.id))?.erasedAt, undefined);
  });

  it("a seller's token gets 403: only managers erase or export", async () => {
    for (const what of ['erase', 'export'] as const) {
      const res = await post(what, `Bearer ${await ssoToken(SELLER_OID)}`);
      assert.equal(res.status, 403, what);
      assert.equal(res.body.error.code, 'privacy.forbidden');
    }
  });

  it('the webhook secret exports what is stored about the person', async () => {
    const res = await post('export', `Bearer ${SECRET}`, { email: lead.contact.email });
    assert.equal(res.status, 200);
    assert.equal(res.body.leads[0].id, lead.id);
    assert.deepEqual(res.body.events, []);
    assert.ok(res.body.exportedAt);
  });
});
