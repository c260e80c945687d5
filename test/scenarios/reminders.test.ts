/**
 * Speed-to-lead and nurture, the sales team's story: an unclaimed lead is chased in its thread, then escalated to
 * the managers; the owner is reminded of a missing first touch and along the nurture cadence in her personal chat,
 * with Done / Snooze buttons that go through the lifecycle. Real store (the run's backend), the local Teams channel
 * and the bot over HTTP; sinon fakes only the clock (Date), and each job pass is run explicitly.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import type { Lead } from '../../src/leads/lead';
import { contactMePayload } from '../support/payloads';
import { install, postLead, sendActivity, tempDir, waitFor } from '../support/harness';
import { seller, type Recorded } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const BEN = seller('Ben');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Wednesday 2 Dec 2026, 10:02 UTC: a lead arrives. */
const T0 = Date.parse('2026-12-02T10:02:00.000Z');

let n = 0;
const payload = () => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `r${++n}-${process.pid}@example.com` },
});

describe('reminders: nobody forgets a lead', () => {
  const scenario = clockedScenario(T0, { MANAGER_IDS: MAYA.id, CLAIM_SLA: '15m', FIRST_TOUCH_SLA: '1h' });
  const bot = (env: Record<string, string> = {}, dataDir?: string) => scenario.bot(env, dataDir);
  /** Moves the clock to T0 + ms (never back). */
  const at = (ms: number) => scenario.clock.setSystemTime(T0 + ms);

  async function newLead(app: App) {
    const res = await postLead(app, payload());
    assert.equal(res.status, 202);
    const id = res.body.id as string;
    const card = await waitFor('lead card', () =>
      scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(id)),
    );
    await waitFor('posted', async () => (await app.leads.get(id))?.delivery.targets?.[0]?.activityId);
    return { id, thread: card.conversationId, activityId: card.activityId };
  }

  async function click(
    app: App,
    verb: string,
    leadId: string,
    user = ANA,
    data: Record<string, unknown> = {},
    conversationId = `a:${user.id}`,
  ) {
    const activity = scenario.teams.invokeActivity({
      verb,
      data: { leadId, ...data },
      conversationId,
      replyToId: 'r1',
      user,
    });
    const res = await sendActivity(app, activity);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return JSON.stringify(res.body.value);
  }

  const threadReplies = (thread: string) =>
    scenario.teams.replies(thread).map((r) => r.body as { text?: string; entities?: { mentioned: { id: string } }[] });
  const reminderCards = (user = ANA): Recorded[] => scenario.teams.personal(user.id);
  const cardText = (r: Recorded) => JSON.stringify(r.body.attachments?.[0]?.content ?? {});
  const lead = async (app: App, id: string) => (await app.leads.get(id)) as Lead;

  it('an unclaimed lead is chased in its thread at the deadline, then the managers are @mentioned at twice the deadline, each once', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);

    at(14 * MIN);
    await app.reminders.tick();
    assert.equal(threadReplies(thread).length, 0, 'nothing before the claim deadline');

    at(15 * MIN + 5_000); // the lead arrived a moment after T0
    await app.reminders.tick();
    await app.reminders.tick();
    assert.deepEqual(
      threadReplies(thread).map((r) => r.text),
      ['Unclaimed for 15 min: who takes it?'],
    );

    at(30 * MIN + 5_000);
    await app.reminders.tick();
    at(45 * MIN);
    await app.reminders.tick();
    const replies = threadReplies(thread);
    assert.equal(replies.length, 2, 'each stage once');
    // Maya (MANAGER_IDS) and Ira, who installed the app and so manages the team.
    assert.match(replies[1].text!, /^<at>Sales manager<\/at> <at>Ira<\/at> Still unclaimed after 30 min\./);
    assert.deepEqual(
      replies[1].entities?.map((e) => e.mentioned.id),
      [MAYA.id, '29:ira'],
      'real Teams mentions of the managers',
    );

    const trail = await app.events.forLead(id, 10);
    assert.deepEqual(
      trail.map((e) => `${e.verb}:${(e.data as { kind: string }).kind}`),
      ['escalate:escalate', 'remind:unclaimed'],
    );
    assert.equal((await lead(app, id)).followUp, undefined, 'the ladder has ended');
  });

  it('a claim stops the ladder; a release starts it again from the release', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    at(5 * MIN);
    await click(app, 'claim', id, ANA, {}, thread);
    at(40 * MIN);
    await app.reminders.tick();
    assert.equal(threadReplies(thread).length, 0, 'claimed in time: nobody is chased');

    at(41 * MIN);
    await click(app, 'release', id, ANA, {}, thread);
    at(55 * MIN);
    await app.reminders.tick();
    assert.equal(threadReplies(thread).length, 0);
    at(56 * MIN + 5_000); // the release happened a moment after T0 + 41 min
    await app.reminders.tick();
    assert.equal(threadReplies(thread).length, 1, 'unclaimed again 15 min after the release');
  });

  it('the owner is reminded in her personal chat when no first touch is logged within the hour; Done ends it', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    at(2 * MIN);
    await click(app, 'claim', id, ANA, {}, thread);
    at(61 * MIN);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 0, 'the hour is not over');
    at(62 * MIN + 5_000);
    await app.reminders.tick();
    const [card] = reminderCards();
    assert.ok(card, 'a reminder card in Ana’s 1:1 chat');
    assert.match(cardText(card), /No first touch logged yet/);
    for (const verb of ['"verb":"touch"', '"verb":"snooze"', '"verb":"qualify"', '"verb":"reject"'])
      assert.ok(cardText(card).includes(verb), verb);
    assert.ok((await app.installs.getUserChat(ANA.id))?.conversationId, 'the personal chat is kept for next time');

    const answer = await click(app, 'touch', id, ANA, { reminder: id });
    assert.match(answer, /Touch logged/);
    assert.ok((await lead(app, id)).firstTouchAt, 'the first touch is on record');
    at(5 * HOUR);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 1, 'no second first-touch reminder');
  });

  it('a nurtured lead is reminded on day 1, 3 and 7; Done moves it along, Snooze 1 day and 1 week push it out', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    await click(app, 'claim', id, ANA, {}, thread);
    await click(app, 'nurture', id, ANA, {}, thread); // no date picked: the cadence
    assert.ok(
      Math.abs(Date.parse((await lead(app, id)).nurture!.nextTouchAt) - (T0 + DAY)) < MIN,
      'the first touch is due a day after the start',
    );

    at(DAY + MIN);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 1, 'day 1');
    assert.match(cardText(reminderCards()[0]), /A nurture touch is due/);
    await click(app, 'touch', id, ANA, { reminder: id }); // Done
    assert.equal((await lead(app, id)).nurture?.touches.length, 1);

    at(3 * DAY + MIN);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 2, 'day 3');
    const snoozed = await click(app, 'snooze', id, ANA, { reminder: id, snoozeDays: '1' });
    assert.match(snoozed, /Snoozed/);
    at(4 * DAY);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 2, 'snoozed for a day');
    at(4 * DAY + 2 * MIN);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 3, 'the day is over');
    await click(app, 'snooze', id, ANA, { reminder: id, snoozeDays: '7' });
    at(10 * DAY);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 3, 'snoozed for a week');
    at(11 * DAY + 3 * MIN);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 4, 'the week is over');

    await click(app, 'qualify', id, ANA, { reminder: id, rating: 'hot' });
    assert.equal((await lead(app, id)).status, 'qualified');
    at(40 * DAY);
    await app.reminders.tick();
    assert.equal(reminderCards().length, 4, 'a qualified lead gets no more reminders');
  });

  it('outside business hours nothing is sent: a reminder due Saturday 10:00 in Europe/Istanbul goes out Monday 09:00 there', async () => {
    const app = await bot({ BUSINESS_HOURS: 'Mon-Fri 09:00-17:00', TIMEZONE: 'Europe/Istanbul' });
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    await click(app, 'claim', id, ANA, {}, thread);
    // Nurture with the first touch on Saturday 5 Dec 10:00 Istanbul (07:00Z).
    await click(app, 'nurture', id, ANA, { nextTouchDate: '2026-12-05', nextTouchTime: '07:00' }, thread);
    assert.equal((await lead(app, id)).followUp?.dueAt, '2026-12-07T06:00:00.000Z', 'Monday 09:00 in Istanbul');
    scenario.clock.setSystemTime(Date.parse('2026-12-05T07:30:00Z'));
    await app.reminders.tick();
    assert.equal(reminderCards().length, 0, 'not on Saturday');
    scenario.clock.setSystemTime(Date.parse('2026-12-07T06:00:30Z'));
    await app.reminders.tick();
    assert.equal(reminderCards().length, 1, 'Monday morning');
  });

  it('a restart in the middle of the cadence sends what fell due once, with the latest state, then carries on', async () => {
    const dataDir = tempDir();
    const first = await bot({}, dataDir);
    await install(first, scenario.teams);
    const { id, thread } = await newLead(first);
    await click(first, 'claim', id, ANA, {}, thread);
    await click(first, 'nurture', id, ANA, {}, thread);
    await scenario.stop(first);

    at(8 * DAY); // day 1, 3 and 7 fell due while the bot was down
    const second = await bot({}, dataDir);
    await second.reminders.tick();
    await second.reminders.tick();
    assert.equal(reminderCards().length, 1, 'one reminder, not three');
    assert.equal(
      (await lead(second, id)).nurture?.nextTouchAt.slice(0, 10),
      new Date(T0 + 14 * DAY).toISOString().slice(0, 10),
      'next on day 14',
    );
  });

  it('two bot processes on one store send each reminder exactly once', async () => {
    const dataDir = tempDir();
    const a = await bot({ INSTANCE_ID: 'bot-a' }, dataDir);
    const b = await bot({ INSTANCE_ID: 'bot-b' }, dataDir);
    await install(a, scenario.teams);
    const leads = [await newLead(a), await newLead(b), await newLead(a)];
    at(16 * MIN);
    await Promise.all([a.reminders.tick(), b.reminders.tick(), a.reminders.tick(), b.reminders.tick()]);
    for (const l of leads) assert.equal(threadReplies(l.thread).length, 1, `one reminder for ${l.id}`);
  });

  it('a seller with several reminders due at once gets one digest card listing them, with a link to each lead', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id, thread } = await newLead(app);
      await click(app, 'claim', id, ANA, {}, thread);
      ids.push(id);
    }
    at(2 * HOUR);
    await app.reminders.tick();
    const cards = reminderCards();
    assert.equal(cards.length, 1, 'one card, not a flood');
    assert.match(cardText(cards[0]), /3 leads to follow up/);
    for (const id of ids) assert.ok(cardText(cards[0]).includes(id));
    assert.equal(
      (cardText(cards[0]).match(/teams\.microsoft\.com\/l\/message/g) ?? []).length,
      3,
      'a link to each lead card',
    );
  });

  it('someone other than the owner clicking a reminder button is refused and nothing changes', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    await click(app, 'claim', id, ANA, {}, thread);
    await click(app, 'nurture', id, ANA, {}, thread);
    const before = await waitFor('the card updated', async () => {
      const l = await lead(app, id);
      return l.delivery.state === 'posted' && !l.delivery.lease ? l : undefined;
    });
    const answer = await click(app, 'snooze', id, BEN, { reminder: id, snoozeDays: '7' });
    assert.match(answer, /Only Ana \(the owner\) or a manager can snooze this lead/);
    const after = await lead(app, id);
    assert.equal(after._etag, before._etag, 'nothing was written');
  });

  it('where no personal chat can be opened, the owner is @mentioned in the lead thread instead', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const { id, thread } = await newLead(app);
    await click(app, 'claim', id, ANA, {}, thread);
    at(61 * MIN);
    scenario.teams.fail({ status: 403, code: 'Forbidden', times: 1, ops: ['create'] });
    await app.reminders.tick();
    const replies = threadReplies(thread);
    assert.equal(replies.length, 1);
    assert.match(replies[0].text!, /^<at>Ana<\/at> No first touch logged yet/);
    assert.deepEqual(
      replies[0].entities?.map((e) => e.mentioned.id),
      [ANA.id],
    );
  });

  it('a 429 during a burst of reminders pauses that chat: nothing reaches it before Retry-After', async () => {
    const app = await bot();
    await install(app, scenario.teams);
    const owners = [ANA, BEN];
    for (const owner of owners) {
      const { id, thread } = await newLead(app);
      await click(app, 'claim', id, owner, {}, thread);
    }
    at(2 * HOUR);
    scenario.teams.fail({ status: 429, retryAfter: 0.5, times: 1, ops: ['send'] });
    await app.reminders.tick();
    const sends = scenario.teams.requests.filter((r) => r.op === 'send' && r.conversationId?.startsWith('a:'));
    const throttled = sends.find((r) => r.status === 429)!;
    assert.ok(throttled, 'Teams throttled one chat');
    const sameChat = sends.filter((r) => r.conversationId === throttled.conversationId && r.at > throttled.at);
    assert.equal(sameChat.length, 1, 'retried once');
    assert.ok(sameChat[0].at - throttled.at >= 500, `retried ${sameChat[0].at - throttled.at} ms after the 429`);
    assert.equal(
      owners.filter((o) => reminderCards(o).some((r) => r.status < 300)).length,
      2,
      'both owners got their reminder',
    );
  });
});
