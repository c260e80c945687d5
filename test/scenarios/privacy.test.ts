/**
 * Personal data under control, the publisher's story: a person asks to be forgotten, and a manager types
 * `erase <email>` and confirms, or the ticket system calls POST /api/personal-data/erase; every lead of that person
 * loses its personal data, the notes on it go from the History, the cards say "Personal data erased" in place, and
 * the pipeline counts stay. Export answers "what do you hold about me". Real store (the run's backend), the local
 * Teams channel, the bot over HTTP; sinon fakes only the clock (retention.test.ts tells the daily job's story).
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload } from '../support/payloads';
import { install, personalDataRequest, postLead, sendActivity, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const T0 = Date.parse('2026-12-02T10:00:00.000Z');

let n = 0;
/** A person of this run (unique email), and a Contact me payload of theirs for `offer`. */
const person = () => ({ email: `Dana.K${++n}-${process.pid}@Northwind.example`, phone: `+44 20 7946 ${1000 + n}` });
const payloadOf = (who: { email: string; phone: string }, offer = 'contoso.crm-suite') => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: who.email, Phone: who.phone },
  LeadSource: `AppSource (SPZA)-PLT|${offer}`,
});

describe('personal data: erase and export a person', () => {
  const scenario = clockedScenario(T0, { MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}` });

  async function newLead(app: App, payload: unknown) {
    const res = await postLead(app, payload);
    assert.equal(res.status, 202);
    const id = res.body.id as string;
    const card = await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(id)));
    await waitFor('posted', async () => (await app.leads.get(id))?.delivery.targets?.[0]?.activityId);
    return { id, thread: card.conversationId, activityId: card.activityId };
  }

  async function click(app: App, verb: string, data: Record<string, unknown>, thread: string, user = ANA) {
    const activity = scenario.teams.invokeActivity({ verb, data, conversationId: thread, replyToId: 'r', user });
    const res = await sendActivity(app, activity);
    assert.equal(res.status, 200);
    return JSON.stringify(res.body?.value ?? {});
  }

  /** Types `text` at the bot in General; what it answered there (text and card). */
  async function ask(app: App, text: string, user: { id: string; name: string; aadObjectId?: string } = MAYA) {
    const before = scenario.teams.replies().length;
    const activity = scenario.teams.mentionActivity(text, scenario.teams.team.id, user as ReturnType<typeof seller>);
    assert.equal((await sendActivity(app, activity)).status, 200);
    const reply = await waitFor(`an answer to "${text}"`, () => scenario.teams.replies().slice(before)[0]);
    return {
      conversationId: reply.conversationId!,
      text: String(reply.body.text ?? ''),
      card: reply.body.attachments?.[0]?.content,
    };
  }

  const api = personalDataRequest;

  it('a manager erases a person: every lead of the email, the notes on them, the cards in place; the counts stay', async () => {
    const app = await scenario.bot();
    await install(app, scenario.teams);
    const dana = person();
    const crm = await newLead(app, payloadOf(dana));
    const analytics = await newLead(app, payloadOf(dana, 'contoso.analytics'));
    const other = await newLead(app, payloadOf(person()));
    await click(app, 'claim', { leadId: crm.id }, crm.thread);
    await click(
      app,
      'qualify',
      { leadId: crm.id, rating: 'hot', budget: '40 seats', notes: 'Dana decides' },
      crm.thread,
    );
    await click(app, 'claim', { leadId: analytics.id }, analytics.thread);
    await click(app, 'touch', { leadId: analytics.id, touchNote: 'Called Dana on her mobile' }, analytics.thread);
    const before = (await app.pipeline.summary({ range: 'all' })).summary;

    const asked = await ask(app, `erase ${dana.email.toUpperCase()}`);
    const confirm = JSON.stringify(asked.card);
    assert.match(confirm, /2 leads hold their personal data/);
    const done = await click(app, 'erase-confirm', { email: dana.email }, asked.conversationId, MAYA);
    assert.match(done, /2 leads erased and 2 history entries cleaned of notes/);

    for (const lead of [crm, analytics]) {
      const stored = (await app.leads.get(lead.id))!;
      assert.deepEqual(stored.contact, { company: 'Northwind Traders', country: 'GB' });
      assert.ok(stored.erasedAt);
      const trail = JSON.stringify(await app.events.forLead(lead.id, 50));
      for (const secret of [dana.email, 'Dana decides', '40 seats', 'Called Dana'])
        assert.ok(!trail.includes(secret), `the History of ${lead.id} still holds ${secret}`);
      assert.match(
        trail,
        /"verb":"erase","actor":\{"id":"29:maya"[^}]*\},"from":"\w+","to":"\w+","data":\{"erased":\[/,
      );
      const card = await waitFor('the card updated in place', () => {
        const json = JSON.stringify(scenario.teams.currentCard(lead.activityId) ?? {});
        return json.includes('Personal data erased on') ? json : undefined;
      });
      assert.ok(!card.toLowerCase().includes(dana.email.toLowerCase()) && !card.includes(dana.phone));
    }
    assert.equal((await app.leads.get(other.id))?.contact.email?.startsWith('Dana.K'), true, 'nobody else');
    assert.deepEqual((await app.pipeline.summary({ range: 'all' })).summary, before, 'the pipeline counts stay');

    assert.equal((await postLead(app, payloadOf(dana))).body.status, 'duplicate', 'an old delivery retried stays out');
    const again = await postLead(app, { ...payloadOf(dana), Description: 'Back again: can we talk pricing?' });
    assert.equal(again.status, 202, 'a new lead from the same person later is a new lead');
    assert.equal(again.body.status, 'accepted');
    assert.equal(again.body.id, `${crm.id}-1`);
    assert.equal((await app.leads.get(again.body.id))?.contact.email, dana.email);
  });

  it('a seller typing erase gets a refusal, and a seller clicking Erase erases nothing', async () => {
    const app = await scenario.bot();
    await install(app, scenario.teams);
    const dana = person();
    const lead = await newLead(app, payloadOf(dana));
    const refused = await ask(app, `erase ${dana.email}`, ANA);
    assert.match(refused.text, /Only a sales manager \(MANAGER_IDS\) can erase personal data/);
    const clicked = await click(app, 'erase-confirm', { email: dana.email }, lead.thread, ANA);
    assert.match(clicked, /Only a sales manager/);
    assert.equal((await app.leads.get(lead.id))?.contact.email, dana.email);
    assert.match((await ask(app, 'erase nobody-here')).text, /Type \*\*erase\*\* and their email/);
    assert.match((await ask(app, `erase unknown-${process.pid}@example.com`)).text, /nothing to erase/);
  });

  it('the ticket system erases and exports over HTTP with the webhook secret; a bad body gets 400, no secret 403', async () => {
    const app = await scenario.bot();
    await install(app, scenario.teams);
    const dana = person();
    const lead = await newLead(app, payloadOf(dana));
    await click(app, 'claim', { leadId: lead.id }, lead.thread);
    await click(app, 'touch', { leadId: lead.id, touchNote: 'Dana prefers mornings' }, lead.thread);

    const exported = await api(app, 'export', { email: ` ${dana.email.toLowerCase()} ` });
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('cache-control'), 'no-store');
    assert.equal(exported.body.leads.length, 1);
    assert.equal(exported.body.leads[0].contact.email, dana.email);
    assert.equal(exported.body.leads[0]._etag, undefined, 'as stored, without system fields');
    assert.deepEqual(exported.body.events.map((e: { verb: string }) => e.verb).sort(), ['claim', 'touch']);
    assert.match(JSON.stringify(exported.body.events), /Dana prefers mornings/);

    for (const body of [{}, { email: dana.email, leadId: lead.id }, { email: 'no' }, 'not json'])
      assert.equal((await api(app, 'erase', body)).body.error.code, 'privacy.bad-request');
    // Local mode (no MicrosoftAppId), as the pipeline API: the secret or the local access key, else 403.
    const anonymous = await api(app, 'erase', { leadId: lead.id }, { Authorization: '' });
    assert.equal(anonymous.status, 403);
    assert.equal(anonymous.body.error.code, 'pipeline.local-key');
    assert.equal((await api(app, 'erase', { leadId: lead.id }, { Authorization: 'Bearer wrong' })).status, 403);
    assert.equal((await app.leads.get(lead.id))?.contact.email, dana.email, 'nothing erased by a refused call');

    const erased = await api(app, 'erase', { leadId: lead.id });
    assert.equal(erased.status, 200);
    assert.deepEqual(erased.body, { leads: 1, events: 1 });
    assert.deepEqual(
      (await api(app, 'erase', { leadId: lead.id })).body,
      { leads: 0, events: 0 },
      'again: nothing left',
    );
    assert.deepEqual((await api(app, 'export', { email: dana.email })).body.leads, [], 'nothing held about the email');
    const byId = (await api(app, 'export', { leadId: lead.id })).body;
    assert.ok(!JSON.stringify(byId).includes(dana.email) && !JSON.stringify(byId).includes('mornings'));
  });
});
