/**
 * The seller's story, through HTTP against the running bot and the local Teams channel: claim (and the 20-way race),
 * release, qualify, reject, nurture, touch, reassign, reopen, history; stale cards, automatic refresh, bad clicks.
 * Each test checks the invoke response (the clicking user's view), what the channel received, Cosmos and the audit trail.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload } from '../support/payloads';
import { LocalTeams, install, postLead, sendActivity, startBot, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';

const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };
const ANA = seller('Ana');
const BEN = seller('Ben');

describe('sellers act on the lead card', () => {
  let teams: LocalTeams;
  let app: App;
  let leadId: string;
  let card: { activityId: string; conversationId: string };

  beforeEach(async () => {
    teams = await new LocalTeams().start();
    app = await startBot({ env: { MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}` } });
    await install(app, teams);
    const res = await postLead(app, {
      ...contactMePayload,
      UserDetails: { ...contactMePayload.UserDetails, Email: `p${Date.now()}@example.com` },
    });
    leadId = res.body.id;
    card = await waitFor('lead card', () => teams.cards().find((c) => JSON.stringify(c.card).includes(leadId)));
    await waitFor('posted', async () => (await app.leads.get(leadId))?.delivery.state === 'posted');
  });
  afterEach(async () => {
    await app.stop();
    await teams.stop();
  });

  async function click(
    verb: string,
    user = ANA,
    data: Record<string, unknown> = {},
    trigger: 'manual' | 'automatic' = 'manual',
  ) {
    const activity = teams.invokeActivity({
      verb,
      data: { leadId, ...data },
      conversationId: card.conversationId,
      replyToId: card.activityId,
      user,
      trigger,
    });
    const res = await sendActivity(app, activity);
    assert.equal(res.status, 200, `invoke answered ${res.status}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive');
    return { card: res.body.value, text: JSON.stringify(res.body.value) };
  }
  const lead = async () => (await app.leads.get(leadId))!;
  const events = async () => app.events.forLead(leadId, 50);
  const sharedCardUpdated = (pattern: RegExp) =>
    waitFor(`shared card matching ${pattern}`, () =>
      teams.updates(card.activityId).find((u) => pattern.test(JSON.stringify(u.body))),
    );

  it('a seller claims a lead: she sees her buttons, everyone sees "Claimed by Ana", Cosmos and the audit trail agree', async () => {
    const view = await click('claim');
    assert.match(view.text, /Qualify/);
    assert.match(view.text, /"verb":"reject"/);
    assert.match(view.text, /"verb":"release"/);
    const updated = await sharedCardUpdated(/Claimed by Ana/);
    const shared = JSON.stringify(updated.body);
    assert.equal(/"verb":"qualify"/.test(shared), false, 'no owner buttons on the shared card');
    assert.deepEqual(updated.body.attachments[0].content.refresh.userIds, [ANA.id, MAYA.id]);
    const stored = await lead();
    assert.equal(stored.status, 'claimed');
    assert.equal(stored.owner?.name, 'Ana');
    const trail = await events();
    assert.equal(trail.length, 1);
    assert.equal(trail[0].verb, 'claim');
    assert.equal(trail[0].from, 'new');
    assert.equal(trail[0].to, 'claimed');
  });

  it('20 sellers claim at once: exactly one owner, one claim event, 19 "already claimed" views, the shared card shows the winner', async function () {
    this.timeout(30_000);
    const sellers = Array.from({ length: 20 }, (_, i) => seller('Seller', i));
    const views = await Promise.all(sellers.map((s) => click('claim', s)));
    const stored = await lead();
    const winner = stored.owner!;
    assert.ok(sellers.some((s) => s.id === winner.id));
    const refusals = views.filter((v) => v.text.includes(`Already claimed by ${winner.name}`));
    assert.equal(refusals.length, 19);
    const claims = (await events()).filter((e) => e.verb === 'claim');
    assert.equal(claims.length, 1);
    assert.equal(claims[0].actor?.id, winner.id);
    await sharedCardUpdated(new RegExp(`Claimed by ${winner.name}`));
    await app.outbox.idle();
    // The status line reads "Claimed by <name> · <time> after arrival"; " ·" keeps "Seller 1" apart from "Seller 10".
    const updates = teams.updates(card.activityId).map((u) => JSON.stringify(u.body));
    assert.ok(
      updates.some((t) => t.includes(`Claimed by ${winner.name} ·`)),
      'the pattern does find the winner',
    );
    for (const text of updates) {
      for (const loser of sellers.filter((s) => s.id !== winner.id))
        assert.equal(text.includes(`Claimed by ${loser.name} ·`), false, `shared card never shows ${loser.name}`);
    }
  });

  it('the owner qualifies with BANT, rating and notes; the score follows the rating', async () => {
    await click('claim');
    const view = await click('qualify', ANA, {
      budget: '50k',
      need: 'CRM rollout',
      timeframe: 'This quarter',
      authority: 'true',
      rating: 'hot',
      notes: 'Demo booked',
    });
    assert.match(view.text, /Qualified/);
    const stored = await lead();
    assert.equal(stored.status, 'qualified');
    assert.equal(stored.qualification?.rating, 'hot');
    assert.ok(stored.score >= 80);
    await sharedCardUpdated(/qualified|Qualified/);
    assert.deepEqual(
      (await events()).map((e) => e.verb),
      ['qualify', 'claim'],
    );
  });

  it('a seller who is not the owner cannot reject: a clear refusal and nothing is written', async () => {
    await click('claim');
    const before = await lead();
    const view = await click('reject', BEN, { reason: 'not-a-fit' });
    assert.match(view.text, /Only Ana/);
    const after = await lead();
    assert.equal(after.rev, before.rev);
    assert.equal(after.status, 'claimed');
    assert.equal((await events()).length, 1);
  });

  it('the owner rejects with a reason; without one she is asked for it', async () => {
    await click('claim');
    assert.match((await click('reject', ANA, {})).text, /Pick a reason/);
    await click('reject', ANA, { reason: 'no-budget', notes: 'Next year maybe' });
    const stored = await lead();
    assert.equal(stored.status, 'rejected');
    assert.equal(stored.rejection?.reason, 'no-budget');
  });

  it('the owner nurtures with a next touch date, logs a touch, and releases another lead back to the pool', async () => {
    await click('claim');
    await click('nurture', ANA, { nextTouchDate: '2099-01-15', note: 'Call after budget cycle' });
    let stored = await lead();
    assert.equal(stored.status, 'nurturing');
    assert.equal(stored.nurture?.nextTouchAt, '2099-01-15T09:00:00.000Z');
    await click('touch', ANA, { note: 'Left a voicemail' });
    stored = await lead();
    assert.equal(stored.nurture?.touches.length, 1);
    assert.deepEqual(
      (await events()).map((e) => e.verb),
      ['touch', 'nurture', 'claim'],
    );
  });

  it('the owner releases the lead and anyone can claim it again', async () => {
    await click('claim');
    await click('release');
    assert.equal((await lead()).status, 'new');
    await click('claim', BEN);
    assert.equal((await lead()).owner?.name, 'Ben');
  });

  it('a manager reassigns a lead to another seller and reopens a closed lead', async () => {
    await click('claim');
    const managerView = await click('refresh', MAYA);
    assert.match(managerView.text, /"verb":"reassign"/);
    await click('reassign', MAYA, { assignee: `${BEN.id}|Ben` });
    assert.equal((await lead()).owner?.id, BEN.id);
    await click('reject', BEN, { reason: 'duplicate' });
    assert.match((await click('reopen', ANA)).text, /Only a manager/);
    await click('reopen', MAYA);
    assert.equal((await lead()).status, 'claimed');
  });

  it('a click on a stale card shows the current truth', async () => {
    await click('claim');
    await click('qualify', ANA, { rating: 'warm' });
    const view = await click('claim', BEN);
    assert.match(view.text, /qualified/);
    assert.equal((await lead()).owner?.name, 'Ana');
  });

  it('an automatic refresh answers with the user view and never updates the message', async () => {
    await click('claim');
    await sharedCardUpdated(/Claimed by Ana/);
    await app.outbox.idle();
    const updatesBefore = teams.updates().length;
    const view = await click('refresh', ANA, {}, 'automatic');
    assert.match(view.text, /"verb":"qualify"/, 'the owner gets her buttons');
    const other = await click('refresh', BEN, {}, 'automatic');
    assert.equal(/"verb":"qualify"/.test(other.text), false, 'others do not');
    await app.outbox.tick();
    assert.equal(teams.updates().length, updatesBefore);
  });

  it('history shows the audit trail on the card', async () => {
    await click('claim');
    const view = await click('history', BEN);
    assert.match(view.text, /Ana/);
    assert.match(view.text, /[Cc]laim/);
  });

  it('bad clicks get an error view with a sentence and write nothing', async () => {
    const before = await lead();
    const unknown = await sendActivity(
      app,
      teams.invokeActivity({
        verb: 'explode',
        data: { leadId },
        conversationId: card.conversationId,
        replyToId: card.activityId,
      }),
    );
    assert.match(JSON.stringify(unknown.body.value), /not something Lead Desk knows/);
    const noId = await sendActivity(
      app,
      teams.invokeActivity({
        verb: 'claim',
        data: {},
        conversationId: card.conversationId,
        replyToId: card.activityId,
      }),
    );
    assert.match(JSON.stringify(noId.body.value), /does not say which lead/);
    const missing = await sendActivity(
      app,
      teams.invokeActivity({
        verb: 'claim',
        data: { leadId: 'L-does-not-exist' },
        conversationId: card.conversationId,
        replyToId: card.activityId,
      }),
    );
    assert.match(JSON.stringify(missing.body.value), /no longer exists/);
    await click('claim');
    const long = await click('qualify', ANA, { rating: 'hot', notes: 'x'.repeat(5000) });
    assert.match(long.text, /too long/);
    const after = await lead();
    assert.equal(after.rev, before.rev + 1, 'only the claim was written');
  });

  it('the Action.Submit fallback claims too, and a losing click gets a reply in the thread', async () => {
    const submit = (user: typeof ANA) => ({
      ...teams.mentionActivity('', card.conversationId.split(';')[0], user),
      text: undefined,
      entities: undefined,
      conversation: {
        id: card.conversationId,
        conversationType: 'channel',
        isGroup: true,
        tenantId: teams.team.tenantId,
      },
      replyToId: card.activityId,
      value: { verb: 'claim', leadId },
    });
    assert.equal((await sendActivity(app, submit(ANA))).status, 200);
    assert.equal((await lead()).owner?.name, 'Ana');
    await sendActivity(app, submit(BEN));
    const reply = await waitFor('refusal reply', () =>
      teams.replies(card.conversationId).find((r) => /Already claimed by Ana/.test(String(r.body.text))),
    );
    assert.ok(reply);
  });
});
