/**
 * A qualified lead goes on to the team's CRM by itself (issue 16), end to end: the bot over HTTP, the local Teams
 * channel, and local stand-ins for Microsoft Entra ID + Dataverse, Salesforce and a webhook receiver
 * (test/support/crm/). Each test checks what the CRM received, the shared card and the lead's History.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App } from '../../src/main';
import { contactMePayload } from '../support/payloads';
import { LocalTeams, install, postLead, sendActivity, startBot, tempDir, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';
import { LocalEntra, identityOptions } from '../support/crm/entra';
import { LocalDataverse } from '../support/crm/dataverse';
import { LocalSalesforce, SF_CLIENT_ID, SF_CLIENT_SECRET } from '../support/crm/salesforce';
import { WebhookReceiver } from '../support/crm/webhookReceiver';
import { withProcessEnv } from '../support/crm/env';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const QUALIFY = { budget: '40k EUR', need: 'Margin reporting', timeframe: 'Q1', authority: 'yes', rating: 'hot' };
const FAST_CRM = { baseRetryMs: 100, maxRetryMs: 400 };

describe('a qualified lead goes on to the CRM by itself', function () {
  this.timeout(30_000);
  const entra = new LocalEntra();
  withProcessEnv(() => entra.environment);
  before(() => entra.start());
  after(() => entra.stop());

  let teams: LocalTeams;
  let app: App;
  let dataDir: string;
  beforeEach(async () => {
    teams = await new LocalTeams().start();
    dataDir = tempDir();
  });
  const crms: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await app?.stop();
    await teams.stop();
    await Promise.all(crms.splice(0).map((c) => c.stop()));
  });

  /** Starts a local CRM stand-in for this test; it is stopped after the test. */
  function crm<T extends { start(): Promise<T>; stop(): Promise<void> }>(server: T): Promise<T> {
    crms.push(server);
    return server.start();
  }

  async function bot(env: Record<string, string>): Promise<App> {
    app = await startBot({
      dataDir,
      env: { MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}`, ...env },
      overrides: { crm: { ...FAST_CRM, identity: identityOptions() } },
    });
    await install(app, teams);
    return app;
  }

  const dynamicsEnv = (dataverse: LocalDataverse, extra: Record<string, string> = {}) => ({
    CRM: 'dynamics',
    DYNAMICS_URL: dataverse.url,
    AZURE_AUTHORITY_HOST: entra.authorityHost,
    ...extra,
  });

  /** A new lead and its card in Teams; `click` acts on it as Teams would, `claimAndQualify` claims and qualifies. */
  async function newLead(email = `p${Date.now()}${Math.random().toString(36).slice(2, 6)}@fabrikam.example`) {
    const res = await postLead(app, {
      ...contactMePayload,
      UserDetails: { ...contactMePayload.UserDetails, Email: email },
    });
    const leadId: string = res.body.id;
    const card = await waitFor('lead card', () => teams.cards().find((c) => JSON.stringify(c.card).includes(leadId)));
    const click = async (verb: string, user = ANA, data: Record<string, unknown> = {}) => {
      const activity = teams.invokeActivity({
        verb,
        data: { leadId, ...data },
        conversationId: card.conversationId,
        replyToId: card.activityId,
        user,
        trigger: 'manual',
      });
      const r = await sendActivity(app, activity);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return JSON.stringify(r.body.value);
    };
    const sharedCard = (pattern: RegExp) =>
      waitFor(`shared card matching ${pattern}`, () =>
        teams.updates(card.activityId).find((u) => pattern.test(JSON.stringify(u.body))),
      );
    const claimAndQualify = async () => {
      await click('claim');
      await click('qualify', ANA, QUALIFY);
    };
    return { leadId, click, claimAndQualify, sharedCard, lead: async () => (await app.leads.get(leadId))! };
  }

  it('Dynamics 365: one lead row with the right columns and one note; the card links it; History says so', async () => {
    const dataverse = await crm(new LocalDataverse(entra));
    await bot(dynamicsEnv(dataverse));
    const rejected = await newLead();
    await rejected.click('claim');
    await rejected.click('reject', ANA, { reason: 'no-budget' });
    const l = await newLead();
    await l.claimAndQualify();
    const row = await waitFor('the lead row', () => dataverse.leads.get(l.leadId));
    await waitFor('sent', async () => (await l.lead()).crm?.state === 'sent');
    assert.equal(dataverse.leads.size, 1, 'claim and reject never reach the CRM');
    const u = contactMePayload.UserDetails;
    assert.deepEqual(
      { ...row.fields, subject: undefined, description: undefined },
      {
        new_leaddeskid: l.leadId,
        subject: undefined,
        description: undefined,
        firstname: u.FirstName,
        lastname: u.LastName,
        companyname: u.Company,
        emailaddress1: (await l.lead()).contact.email,
        telephone1: u.Phone,
        jobtitle: u.Title,
        leadsourcecode: 8,
        leadqualitycode: 1,
      },
    );
    const notes = dataverse.notesOf(row);
    assert.equal(notes.length, 1);
    const text = String(notes[0].fields.notetext);
    for (const part of ['Ana', 'Budget: 40k EUR', 'Need: Margin reporting', 'Claimed', 'Qualified'])
      assert.ok(text.includes(part), `the note has ${part}: ${text}`);
    const shared = await l.sharedCard(/Sent to Dynamics 365/);
    assert.ok(JSON.stringify(shared.body).includes(`id=${row.id}`), 'the card links the record');
    const history = await app.events.forLead(l.leadId, 20);
    assert.deepEqual(
      history.filter((e) => e.verb.startsWith('crm-')).map((e) => [e.verb, e.data?.recordId]),
      [['crm-sent', row.id]],
    );
  });

  it('qualify → reopen → qualify updates the same Dynamics record (a note per qualification)', async () => {
    const dataverse = await crm(new LocalDataverse(entra));
    await bot(dynamicsEnv(dataverse));
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('sent once', async () => (await l.lead()).crm?.state === 'sent');
    await l.click('reopen', MAYA);
    await l.click('qualify', ANA, { ...QUALIFY, rating: 'warm' });
    await waitFor('round 2 sent', async () => (await l.lead()).crm?.record?.round === 2);
    assert.equal(dataverse.leads.size, 1);
    const row = dataverse.leads.get(l.leadId)!;
    assert.equal(row.writes, 2);
    assert.equal(row.fields.leadqualitycode, 2, 'the second qualification’s rating');
    assert.equal(dataverse.notesOf(row).length, 2);
  });

  it('the CRM down (503, then 429 with Retry-After) and back up: one record', async () => {
    const dataverse = await crm(new LocalDataverse(entra));
    await bot(dynamicsEnv(dataverse));
    dataverse.down();
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('two failed attempts', async () => ((await l.lead()).crm?.attempts ?? 0) >= 2);
    dataverse.up();
    dataverse.throttle(1_000, 1);
    await waitFor('sent', async () => (await l.lead()).crm?.state === 'sent', 15_000);
    assert.equal(dataverse.leads.size, 1);
    assert.equal(dataverse.notesOf(dataverse.leads.get(l.leadId)!).length, 1);
    assert.ok(dataverse.requests.some((r) => r.status === 429) && dataverse.requests.some((r) => r.status === 503));
    // History is written just after the outcome: wait for it rather than race it.
    const crmVerbs = async () =>
      (await app.events.forLead(l.leadId, 50)).map((e) => e.verb).filter((v) => v.startsWith('crm-'));
    const verbs = await waitFor('History says sent', async () => {
      const v = await crmVerbs();
      return v.includes('crm-sent') ? v : undefined;
    });
    assert.equal(verbs.filter((v) => v === 'crm-sent').length, 1);
    assert.ok(verbs.filter((v) => v === 'crm-retry').length >= 2);
  });

  it('a restart mid-retry: the new process sends it, one record', async () => {
    const dataverse = await crm(new LocalDataverse(entra));
    await bot(dynamicsEnv(dataverse));
    dataverse.down();
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('a failed attempt', async () => ((await l.lead()).crm?.attempts ?? 0) >= 1);
    await app.stop();
    dataverse.up();
    await bot(dynamicsEnv(dataverse));
    await waitFor('sent after the restart', async () => (await l.lead()).crm?.state === 'sent', 15_000);
    assert.equal(dataverse.leads.size, 1);
    assert.equal(dataverse.leads.get(l.leadId)!.writes, 1);
  });

  it('a permanent refusal shows on the card with Retry; once the column exists, Retry sends it once', async () => {
    const dataverse = await crm(new LocalDataverse(entra));
    await bot(dynamicsEnv(dataverse, { DYNAMICS_COLUMNS: 'offer=new_offer' }));
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('refused', async () => (await l.lead()).crm?.state === 'refused');
    await l.sharedCard(/The CRM refused it: Could not find a property named 'new_offer'/);
    const ownerView = await l.click('refresh');
    assert.match(ownerView, /"verb":"retry"/);
    assert.doesNotMatch(await l.click('refresh', seller('Ben')), /"verb":"retry"/, 'no Retry for other sellers');
    const before = dataverse.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(dataverse.requests.length, before, 'a refusal is not retried by itself');
    dataverse.extraColumns.add('new_offer');
    await l.click('retry', MAYA);
    await waitFor('sent', async () => (await l.lead()).crm?.state === 'sent');
    assert.equal(dataverse.leads.size, 1);
    assert.equal(dataverse.leads.get(l.leadId)!.fields.new_offer, contactMePayload.OfferTitle);
    await l.sharedCard(/Sent to Dynamics 365/);
    const verbs = (await app.events.forLead(l.leadId, 50)).map((e) => e.verb);
    assert.deepEqual(verbs.slice(0, 3), ['crm-sent', 'retry', 'crm-refused']);
  });

  it('Salesforce: one Lead upserted by its External ID with a ContentNote; a non-unique key stops with its words', async () => {
    const sf = await crm(new LocalSalesforce());
    await bot({
      CRM: 'salesforce',
      SALESFORCE_URL: sf.url,
      SALESFORCE_CLIENT_ID: SF_CLIENT_ID,
      SALESFORCE_CLIENT_SECRET: SF_CLIENT_SECRET,
    });
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('sent', async () => (await l.lead()).crm?.state === 'sent');
    assert.equal(sf.leads.length, 1);
    const u = contactMePayload.UserDetails;
    const f = sf.leads[0].fields;
    assert.deepEqual(
      [f.LeadDeskId__c, f.FirstName, f.LastName, f.Company, f.Title, f.Country, f.Rating],
      [l.leadId, u.FirstName, u.LastName, u.Company, u.Title, u.Country, 'Hot'],
    );
    assert.equal(sf.notes.length, 1);
    assert.deepEqual(sf.links[0].fields, {
      ContentDocumentId: sf.notes[0].Id,
      LinkedEntityId: sf.leads[0].Id,
      ShareType: 'V',
    });
    assert.match(Buffer.from(String(sf.notes[0].fields.Content), 'base64').toString(), /Budget: 40k EUR/);
    await l.sharedCard(/Sent to Salesforce/);
    assert.equal(sf.tokenRequests, 1, 'the token is kept');

    const twin = await newLead();
    // Two leads already carry that value (the field is not marked unique in the org).
    sf.duplicate(twin.leadId);
    sf.duplicate(twin.leadId);
    await twin.claimAndQualify();
    await waitFor('refused', async () => (await twin.lead()).crm?.state === 'refused');
    await twin.sharedCard(/The CRM refused it: More than one Salesforce lead has LeadDeskId__c/);
  });

  it('webhook: the signature verifies with the documented recipe; a replayed delivery carries the same id', async () => {
    const receiver = await crm(new WebhookReceiver());
    const secret = 'whsec-0123456789abcdef';
    receiver.answers = [{ status: 503 }];
    await bot({ CRM: 'webhook', CRM_WEBHOOK_URL: receiver.url, CRM_WEBHOOK_SECRET: secret });
    const l = await newLead();
    await l.claimAndQualify();
    await waitFor('sent', async () => (await l.lead()).crm?.state === 'sent');
    assert.equal(receiver.received.length, 2, 'the first answer was a 503: sent again');
    const [first, second] = receiver.received;
    assert.equal(first.headers['x-leaddesk-delivery'], `${l.leadId}.1`);
    assert.equal(
      second.headers['x-leaddesk-delivery'],
      first.headers['x-leaddesk-delivery'],
      'a replay is recognisable',
    );
    for (const r of receiver.received) {
      // The README's recipe: HMAC-SHA256 of "<timestamp>.<raw body>", hex, compared in constant time.
      const timestamp = String(r.headers['x-leaddesk-timestamp']);
      const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
      const got = String(r.headers['x-leaddesk-signature']);
      assert.ok(got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected)));
      assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 300);
    }
    const body = JSON.parse(second.body);
    assert.equal(body.schema, 'leaddesk.crm-handoff/v1');
    assert.equal(body.deliveryId, `${l.leadId}.1`);
    assert.equal(body.lead.id, l.leadId);
    assert.equal(body.lead.qualification.budget, '40k EUR');
    assert.equal((await l.lead()).crm?.record?.url, 'https://crm.example/deals/2');
  });
});
