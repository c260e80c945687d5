/**
 * Retention, the publisher's promise not to keep personal data of closed leads forever: with RETENTION_DAYS=30 the
 * daily job erases the personal data of leads closed more than 30 days ago, and that of Partner Center's test leads
 * after a day; open leads and the pipeline counts stay; once a day even with two bot processes. Real store (the
 * run's backend), the local Teams channel, the bot over HTTP; sinon fakes only the clock, each pass runs explicitly.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload, testLeadPayload } from '../support/payloads';
import { install, logLines, postLead, sendActivity, tempDir, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const ANA = seller('Ana');
const DAY = 86_400_000;
/** Wednesday 2 Dec 2026, 10:00 UTC. */
const T0 = Date.parse('2026-12-02T10:00:00.000Z');

let n = 0;
const payload = () => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `keep${++n}-${process.pid}@example.com` },
});

describe('retention: personal data of closed leads is not kept forever', () => {
  const scenario = clockedScenario(T0, { RETENTION_DAYS: '30' });
  const at = (ms: number) => scenario.clock.setSystemTime(T0 + ms);

  async function newLead(app: App, body: unknown = payload()) {
    const res = await postLead(app, body);
    assert.equal(res.status, 202);
    const id = res.body.id as string;
    const card = await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(id)));
    await waitFor('posted', async () => (await app.leads.get(id))?.delivery.targets?.[0]?.activityId);
    return { id, thread: card.conversationId, activityId: card.activityId };
  }

  async function click(app: App, verb: string, leadId: string, thread: string, data: Record<string, unknown> = {}) {
    const activity = scenario.teams.invokeActivity({
      verb,
      data: { leadId, ...data },
      conversationId: thread,
      replyToId: 'r',
      user: ANA,
    });
    assert.equal((await sendActivity(app, activity)).status, 200);
  }

  const erased = async (app: App, id: string) => Boolean((await app.leads.get(id))?.erasedAt);

  it('erases leads closed more than RETENTION_DAYS ago and test leads after a day; open leads and counts stay', async () => {
    const app = await scenario.bot();
    await install(app, scenario.teams);
    const qualified = await newLead(app);
    const rejected = await newLead(app);
    const open = await newLead(app);
    const test = await postLead(app, testLeadPayload);
    assert.equal(test.status, 202);
    await click(app, 'claim', qualified.id, qualified.thread);
    await click(app, 'qualify', qualified.id, qualified.thread, { rating: 'warm', notes: 'Budget signed off' });
    at(10 * DAY);
    await click(app, 'claim', rejected.id, rejected.thread);
    await click(app, 'reject', rejected.id, rejected.thread, { reason: 'no-budget' });
    const before = (await app.pipeline.summary({ range: 'all' })).summary;

    at(20 * DAY);
    const early = await app.retention.tick();
    assert.deepEqual(early, { closed: 0, test: 1, events: 0, failed: 0 }, 'only the test lead, a day old');
    assert.equal(await erased(app, test.body.id), true);

    at(31 * DAY);
    const from = logLines.length;
    assert.deepEqual(await app.retention.tick(), { closed: 1, test: 0, events: 1, failed: 0 });
    assert.equal(await erased(app, qualified.id), true, 'closed 31 days ago');
    assert.equal(await erased(app, rejected.id), false, 'closed 21 days ago');
    assert.equal(await erased(app, open.id), false, 'open leads are worked, not erased');
    const history = (await app.events.forLead(qualified.id, 20)).find((e) => e.verb === 'erase');
    assert.equal(history?.actor?.name, 'Lead Desk');
    assert.ok(!JSON.stringify(await app.events.forLead(qualified.id, 20)).includes('Budget signed off'));
    await waitFor('the card updated in place', () =>
      JSON.stringify(scenario.teams.currentCard(qualified.activityId) ?? {}).includes('Personal data erased on'),
    );
    assert.deepEqual((await app.pipeline.summary({ range: 'all' })).summary, before, 'the pipeline counts stay');
    const line = logLines.slice(from).find((l) => l.includes('retention pass'));
    assert.match(line ?? '', /"closed":1,"test":0,"events":1,"failed":0/, 'it logs counts');

    assert.equal(await app.retention.tick(), undefined, 'once a day');
    at(41 * DAY);
    assert.deepEqual(await app.retention.tick(), { closed: 1, test: 0, events: 0, failed: 0 });
    assert.equal(await erased(app, rejected.id), true);
  });

  it('runs once a day even with two bot processes on one store', async () => {
    const dataDir = tempDir();
    const a = await scenario.bot({}, dataDir);
    const b = await scenario.bot({}, dataDir);
    await install(a, scenario.teams);
    const lead = await newLead(a);
    await click(a, 'claim', lead.id, lead.thread);
    await click(a, 'reject', lead.id, lead.thread, { reason: 'not-a-fit' });
    at(40 * DAY);
    const passes = await Promise.all([a.retention.tick(), b.retention.tick()]);
    assert.equal(passes.filter((p) => p !== undefined).length, 1, 'one process ran the day');
    assert.deepEqual(
      passes.find((p) => p !== undefined),
      { closed: 1, test: 0, events: 0, failed: 0 },
    );
  });

  it('keeps closed leads when RETENTION_DAYS is unset; test leads still go after a day', async () => {
    const app = await scenario.bot({ RETENTION_DAYS: '' });
    await install(app, scenario.teams);
    const lead = await newLead(app);
    await click(app, 'claim', lead.id, lead.thread);
    await click(app, 'reject', lead.id, lead.thread, { reason: 'not-a-fit' });
    const test = await postLead(app, testLeadPayload);
    at(400 * DAY);
    assert.deepEqual(await app.retention.tick(), { closed: 0, test: 1, events: 0, failed: 0 });
    assert.equal(await erased(app, lead.id), false);
    assert.equal(await erased(app, test.body.id), true);
  });
});
