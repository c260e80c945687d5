/**
 * People before backlog (issue 13): a burst leaves a channel with a queue of new-lead cards (Teams allows 8 per 2 s),
 * yet a seller's command is answered, and a card she claims is updated, ahead of that queue, and Teams' HTTP request
 * is answered without waiting for it.
 */
import assert from 'node:assert/strict';
import { contactMePayload } from '../support/payloads';
import { postLead, sendActivity, useBot, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';

const BURST = 40;
/**
 * At most the cards already taking the current 2-s window (8) may go before a person's send: it waits for the next
 * slot, never for the queue (about 30 cards, 8 s, here).
 */
const WINDOW = 8;
const LEAD_ID = /\bL[0-9a-f]{24}\b/;

describe('scenario: people before backlog', function () {
  this.timeout(60_000);
  const scenario = useBot();
  beforeEach(async () => {
    await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        postLead(scenario.app, {
          ...contactMePayload,
          UserDetails: { ...contactMePayload.UserDetails, Email: `burst-${i}-${Date.now()}@example.com` },
        }),
      ),
    );
    await waitFor('the first cards of the burst', () => scenario.teams.posts().length >= 9, 20_000);
  });

  /** New-lead cards Teams received after `at`, up to the moment of `until`. */
  const postsBetween = (at: number, until: number) =>
    scenario.teams.posts().filter((p) => p.at > at && p.at <= until).length;

  it('a seller’s command in the busy channel is answered ahead of the queued cards', async () => {
    const asked = scenario.teams.mentionActivity('help');
    const sentAt = Date.now();
    const answer = await sendActivity(scenario.app, asked);
    assert.ok(answer.status < 300);
    assert.ok(scenario.teams.posts().length < BURST, 'Teams’ request was answered before the queue ran out');
    const reply = await waitFor('the answer', () =>
      scenario.teams.requests.find((r) => r.at >= sentAt && r.conversationId?.includes(asked.id) && r.status < 300),
    );
    assert.ok(postsBetween(sentAt, reply.at) <= WINDOW, `${postsBetween(sentAt, reply.at)} queued cards went first`);
    assert.ok(scenario.teams.posts().length < BURST, 'the queue was still there when the answer went out');
  });

  it('a card a seller claims is updated for everyone ahead of the queued cards', async () => {
    const card = scenario.teams.cards().find((c) => LEAD_ID.test(JSON.stringify(c.card)))!;
    const leadId = JSON.stringify(card.card).match(LEAD_ID)![0];
    await waitFor('posted', async () => (await scenario.app.leads.get(leadId))?.delivery.state === 'posted');
    const clickedAt = Date.now();
    const res = await sendActivity(
      scenario.app,
      scenario.teams.invokeActivity({
        verb: 'claim',
        data: { leadId },
        conversationId: card.conversationId,
        replyToId: card.activityId,
        user: seller('Ana'),
      }),
    );
    assert.equal(res.status, 200);
    const update = await waitFor('the shared card updated', () =>
      scenario.teams.updates(card.activityId).find((u) => u.at >= clickedAt),
    );
    assert.ok(
      postsBetween(clickedAt, update.at) <= WINDOW,
      `${postsBetween(clickedAt, update.at)} queued cards went first`,
    );
    assert.ok(scenario.teams.posts().length < BURST, 'the queue was still there when the update went out');
  });
});
