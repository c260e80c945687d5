/**
 * No personal data in logs, over a whole story: every fixture lead arrives by webhook and gets its card, one is
 * claimed and qualified, an unclaimed one is chased by a reminder, a manager asks for the pipeline, a seller's click
 * is refused, bad webhook bodies are refused, a person is exported and erased (chat command and API). Then every log
 * line of this test run (`logLines`) is searched for each fixture's email, phone, name and company: none may appear.
 * security.test.ts checks the same over a smaller flow.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import * as payloads from '../support/payloads';
import { install, logLines, personalDataRequest, postLead, sendActivity, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const BEN = seller('Ben');
const T0 = Date.parse('2026-12-02T10:00:00.000Z');

/** Every lead payload of test/support/payloads.ts (the test-lead text that is not JSON aside). */
const FIXTURES = Object.entries(payloads)
  .filter(([, v]) => typeof v === 'object')
  .map(([name, v]) => ({ name, payload: v as Record<string, unknown> }));

/** The person of a payload: UserDetails in any case, or the table entity's CustomerInfo JSON string. */
function personOf(payload: Record<string, unknown>): Record<string, string> {
  const key = Object.keys(payload).find((k) => /^(userdetails|customerinfo)$/i.test(k));
  const raw = key ? payload[key] : undefined;
  const details = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** What must never be logged: emails (any case), phones (as typed and as digits), full names, long name parts, companies. */
function secretsOf(p: Record<string, string>): string[] {
  const names = [p.firstname, p.lastname].filter(Boolean);
  return [
    p.email,
    p.email?.toLowerCase(),
    p.phone,
    p.phone?.replace(/\D/g, ''),
    names.join(' '),
    ...names.filter((n) => n.length >= 5),
    p.company,
  ].filter((s): s is string => Boolean(s) && s.length >= 5);
}

describe('no personal data in logs: the whole story', () => {
  const scenario = clockedScenario(T0, { MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}`, CLAIM_SLA: '15m' });

  async function click(app: App, verb: string, data: Record<string, unknown>, thread: string, user = ANA) {
    const activity = scenario.teams.invokeActivity({ verb, data, conversationId: thread, replyToId: 'r', user });
    assert.equal((await sendActivity(app, activity)).status, 200);
  }

  async function say(app: App, text: string, user: { id: string; name: string; aadObjectId?: string } = MAYA) {
    const before = scenario.teams.replies().length;
    const activity = scenario.teams.mentionActivity(text, scenario.teams.team.id, user as ReturnType<typeof seller>);
    assert.equal((await sendActivity(app, activity)).status, 200);
    const reply = await waitFor(`an answer to ${text.split(' ')[0]}`, () => scenario.teams.replies().slice(before)[0]);
    return { conversationId: reply.conversationId!, card: reply.body.attachments?.[0]?.content };
  }

  const api = personalDataRequest;

  it("never logs a fixture's email, phone, name or company, from the webhook to the erase", async () => {
    const from = logLines.length;
    const app = await scenario.bot();
    await install(app, scenario.teams);
    const leads: { id: string; thread: string }[] = [];
    for (const { payload } of FIXTURES) {
      const res = await postLead(app, payload);
      assert.ok(res.status < 300, `${JSON.stringify(res.body)}`);
      const target = await waitFor(
        'card posted',
        async () => (await app.leads.get(res.body.id))?.delivery.targets?.[0],
      );
      leads.push({ id: res.body.id, thread: target.threadId ?? '' });
    }
    const contact = payloads.contactMePayload.UserDetails;
    const dana = leads[FIXTURES.findIndex((f) => f.name === 'contactMePayload')];
    await click(app, 'claim', { leadId: dana.id }, dana.thread);
    await click(app, 'qualify', { leadId: dana.id, rating: 'hot', notes: `${contact.FirstName} decides` }, dana.thread);
    await click(app, 'reject', { leadId: dana.id, reason: 'not-a-fit' }, dana.thread, BEN); // refused: not hers
    scenario.clock.setSystemTime(T0 + 16 * 60_000);
    await app.reminders.tick();
    await say(app, 'pipeline this week');
    await postLead(app, { ...payloads.contactMePayload, UserDetails: { Email: 42 } }); // 422
    await postLead(app, undefined, { raw: `{"UserDetails":{"Email":"${contact.Email}"` }); // 400, not JSON
    await postLead(app, payloads.contactMePayload, { code: 'wrong-secret' }); // 401
    assert.equal((await api(app, 'export', { email: contact.Email })).status, 200);
    const asked = await say(app, `erase ${contact.Email}`);
    await click(app, 'erase-confirm', { email: contact.Email }, asked.conversationId, MAYA);
    const mo = personOf(payloads.camelCasePayload);
    assert.equal((await api(app, 'erase', { email: mo.email })).status, 200);
    assert.equal((await api(app, 'erase', { email: 'not an email', phone: mo.phone })).status, 400);

    const lines = logLines.slice(from);
    assert.ok(lines.length > 25, `the story did log (${lines.length} lines)`);
    const everything = logLines.join('\n');
    for (const { name, payload } of FIXTURES)
      for (const secret of secretsOf(personOf(payload)))
        assert.equal(everything.includes(secret), false, `a log line holds ${name}'s "${secret}"`);
  });
});
