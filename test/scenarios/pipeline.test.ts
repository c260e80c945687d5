/**
 * The manager's story: "@Lead Desk pipeline this week" gets the summary card; sellers ask for "mine"; "stale" lists
 * what is past a deadline; every Monday 09:00 the channels get last week's card, once even with two bot processes.
 * Real store (the run's backend), the local Teams channel, the bot over HTTP; sinon fakes only the scenario.clock.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload, freeTrialPayload } from '../support/payloads';
import { install, postLead, sendActivity, tempDir, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const MIN = 60_000;
/** Wednesday 2 Dec 2026, 10:00 UTC. */
const T0 = Date.parse('2026-12-02T10:00:00.000Z');

let n = 0;
const lead = (base: Record<string, unknown> = contactMePayload) => ({
  ...base,
  UserDetails: { ...(base.UserDetails as object), Email: `p${++n}-${process.pid}@example.com` },
});

describe('pipeline: managers see where the leads stand', () => {
  const scenario = clockedScenario(T0, {
    MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}`,
    CLAIM_SLA: '15m',
    PIPELINE_DIGEST: '',
  });
  const bot = (env: Record<string, string> = {}, dataDir?: string) => scenario.bot(env, dataDir);

  async function newLead(app: App, payload = lead()) {
    const res = await postLead(app, payload);
    const id = res.body.id as string;
    const card = await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(id)));
    return { id, thread: card.conversationId };
  }

  async function click(
    app: App,
    verb: string,
    leadId: string,
    thread: string,
    user = ANA,
    data: Record<string, unknown> = {},
  ) {
    const res = await sendActivity(
      app,
      scenario.teams.invokeActivity({ verb, data: { leadId, ...data }, conversationId: thread, replyToId: 'r', user }),
    );
    assert.equal(res.status, 200);
  }

  /** Types `text` at the bot in General and returns what it answered there. */
  async function ask(app: App, text: string, user: { id: string; name: string; aadObjectId?: string } = MAYA) {
    const before = scenario.teams.replies().length;
    const activity = scenario.teams.mentionActivity(text, scenario.teams.team.id, user as ReturnType<typeof seller>);
    assert.equal((await sendActivity(app, activity)).status, 200);
    const reply = await waitFor(`an answer to "${text}"`, () =>
      scenario.teams
        .replies()
        .slice(before)
        .find((r) => r.conversationId?.startsWith(scenario.teams.team.id)),
    );
    const card = reply.body.attachments?.[0]?.content;
    return { text: String(reply.body.text ?? ''), card, json: JSON.stringify(card ?? {}) };
  }

  it('a manager asks "pipeline this week" and gets the summary card: in, unclaimed past the deadline, outcomes, sellers', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const a = await newLead(app);
    const b = await newLead(app, lead(freeTrialPayload));
    await newLead(app);
    await click(app, 'claim', a.id, a.thread);
    await click(app, 'claim', b.id, b.thread);
    await click(app, 'qualify', b.id, b.thread, ANA, { rating: 'hot' });
    scenario.clock.setSystemTime(T0 + 20 * MIN);

    const { json } = await ask(app, 'Pipeline THIS week');
    assert.match(json, /Pipeline · This week/);
    assert.match(json, /"text":"3"/, 'three leads in');
    assert.match(json, /unclaimed, 1 past the deadline/);
    assert.match(json, /"title":"Ana","value":"1 · 1 · 0"/, 'Ana: one open, one qualified');
    assert.match(json, /"title":"Time to claim"/);
    assert.match(json, /"text":"100%"/, 'qualification rate: the one closed lead was qualified');
  });

  it('filters by storefront and seller, and another range, in any word order', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const a = await newLead(app);
    await click(app, 'claim', a.id, a.thread);
    const azure = await ask(app, 'pipeline azure');
    assert.match(azure.json, /Azure Marketplace/);
    const mention = {
      ...scenario.teams.mentionActivity(
        'pipeline for <at>Ana</at> last 7 days',
        scenario.teams.team.id,
        MAYA as ReturnType<typeof seller>,
      ),
    };
    mention.entities = [
      ...mention.entities,
      { type: 'mention', text: '<at>Ana</at>', mentioned: { id: ANA.id, name: 'Ana' } },
    ];
    const before = scenario.teams.replies().length;
    await sendActivity(app, mention);
    const reply = await waitFor('answer', () => scenario.teams.replies()[before]);
    const json = JSON.stringify(reply.body.attachments?.[0]?.content);
    assert.match(json, /The last 7 days/);
    assert.match(json, /Ana's leads/);
  });

  it('a seller asking for the pipeline gets a polite refusal; "mine" lists her own open leads', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const a = await newLead(app);
    await newLead(app);
    await click(app, 'claim', a.id, a.thread);
    const refused = await ask(app, 'pipeline', ANA);
    assert.match(refused.text, /for sales managers/);
    const mine = await ask(app, 'mine', ANA);
    assert.match(mine.json, /Your open leads \(1\)/);
    assert.ok(mine.json.includes(a.id));
  });

  it('"stale" lists open leads past a deadline, oldest first; a typo names the closest command', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const first = await newLead(app);
    scenario.clock.setSystemTime(T0 + 5 * MIN);
    const second = await newLead(app);
    scenario.clock.setSystemTime(T0 + 10 * MIN);
    await newLead(app); // not past its deadline yet at +22 min
    scenario.clock.setSystemTime(T0 + 22 * MIN);
    const { json } = await ask(app, 'stale');
    assert.match(json, /2 leads past a deadline/);
    const activityOf = async (id: string) => (await app.leads.get(id))!.delivery.targets![0].activityId!;
    const links = [...json.matchAll(/l\/message\/[^/]+\/([^?]+)\?/g)].map((m) => m[1]);
    assert.deepEqual(
      links,
      [await activityOf(first.id), await activityOf(second.id)],
      'oldest first, each linking to its card',
    );
    const typo = await ask(app, 'pipline');
    assert.match(typo.text, /Did you mean \*\*pipeline\*\*/);
  });

  it('the weekly digest goes to every channel that receives leads on Monday 09:00, once even with two bot processes', async () => {
    const dataDir = tempDir();
    const env = { PIPELINE_DIGEST: 'Mon 09:00', TIMEZONE: 'Europe/Istanbul' };
    const a = await bot({ ...env, INSTANCE_ID: 'a' }, dataDir);
    const b = await bot({ ...env, INSTANCE_ID: 'b' }, dataDir);
    await install(a, scenario.teams);
    await newLead(a);
    // This week's slot (Mon 30 Nov 09:00 Istanbul) counts as sent once: tick once to use it up.
    await Promise.all([a.digest!.tick(), b.digest!.tick()]);
    const digests = () => scenario.teams.cards().filter((c) => JSON.stringify(c.card).includes('Pipeline · Last week'));
    const base = digests().length;
    scenario.clock.setSystemTime(Date.parse('2026-12-07T05:59:00Z')); // Monday 08:59 in Istanbul
    await Promise.all([a.digest!.tick(), b.digest!.tick()]);
    assert.equal(digests().length, base, 'not before 09:00');
    scenario.clock.setSystemTime(Date.parse('2026-12-07T06:00:30Z'));
    const sent = await Promise.all([a.digest!.tick(), b.digest!.tick()]);
    assert.equal(sent.filter(Boolean).length, 1, 'one process sent it');
    assert.equal(await a.digest!.tick(), false, 'and only once');
    assert.equal(digests().length, base + 1, 'General got last week’s card once');
    assert.match(JSON.stringify(digests().at(-1)!.card), /"text":"1"/, 'the lead of last week');
  });
});
