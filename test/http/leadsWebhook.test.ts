/**
 * Bad input gets a clear 4xx and loses nothing: each error of POST /api/leads, through HTTP against the running bot.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload, testLeadDocText } from '../support/payloads';
import { SECRET, TEST_STORE, postLead, startBot } from '../support/harness';

describe('POST /api/leads refuses bad requests with a clear sentence', () => {
  let app: App;
  before(async () => {
    app = await startBot({ overrides: { jobs: false } });
  });
  after(async () => {
    await app.stop();
  });

  async function leadCount() {
    return (await app.leads.all()).length;
  }

  it('a request without the secret gets 401 and stores nothing', async () => {
    const before = await leadCount();
    const res = await postLead(app, contactMePayload, { code: null });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'webhook.unauthorized');
    assert.match(res.body.error.message, /secret/);
    assert.equal(await leadCount(), before);
  });

  it('a wrong secret gets 401, whether in ?code= or as a Bearer token', async () => {
    assert.equal((await postLead(app, contactMePayload, { code: 'nope' })).status, 401);
    assert.equal(
      (await postLead(app, contactMePayload, { code: null, headers: { Authorization: 'Bearer wrong-secret' } })).status,
      401,
    );
  });

  it('the secret as a Bearer token is accepted', async () => {
    const res = await postLead(
      app,
      { ...contactMePayload, Description: 'bearer' },
      { code: null, headers: { Authorization: `Bearer ${SECRET}` } },
    );
    assert.equal(res.status, 202);
  });

  it('a body over 64 KB gets 413', async () => {
    const res = await postLead(app, { ...contactMePayload, Description: 'x'.repeat(70 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'webhook.too-large');
    assert.match(res.body.error.message, /65536 bytes/);
  });

  it('text that is not JSON gets 400 saying so (the FAQ test lead as printed, with its missing comma)', async () => {
    const res = await postLead(app, undefined, { raw: testLeadDocText });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'webhook.not-json');
    assert.match(res.body.error.message, /not valid JSON/);
  });

  it('JSON that is not an object gets 400', async () => {
    const res = await postLead(app, [contactMePayload]);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'webhook.not-object');
  });

  it('a lead with no contact at all gets 422 naming the fields it needs', async () => {
    const res = await postLead(app, {
      LeadSource: 'AzureMarketplace',
      ActionCode: 'INS',
      OfferTitle: 'x',
      UserDetails: { Country: 'US' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'webhook.no-contact');
    assert.match(res.body.error.message, /Email/);
  });

  it('a field of the wrong type gets 422 naming the field', async () => {
    const res = await postLead(app, { UserDetails: { Email: 42 } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'webhook.bad-field');
  });

  it('a form-encoded body gets 415', async () => {
    const res = await postLead(app, undefined, {
      raw: 'a=b',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 415);
  });

  it('after every bad request the service still answers and takes good leads', async () => {
    const res = await postLead(app, { ...contactMePayload, Description: 'still alive' });
    assert.equal(res.status, 202);
    const health = await fetch(`${app.url}/api/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as Record<string, unknown>;
    assert.deepEqual(body.store, { backend: TEST_STORE, status: 'ok' });
    assert.equal(typeof body.version, 'string');
    assert.equal(
      (await fetch(`${app.url}/api/messages`, { method: 'HEAD' })).status,
      200,
      'clients may probe the bot endpoint',
    );
  });
});
