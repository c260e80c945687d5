/**
 * End to end with a real third-party Teams simulator: the Microsoft 365 Agents Playground plays Teams (it sends the
 * install and @mention activities to /api/messages and serves the Bot Connector API the bot posts to), and we read
 * what a seller would see from its WebSocket, the same stream its web UI renders.
 * Real parts: the bot process (embedded Cosmos), the Playground child process, HTTP and WebSocket on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload } from '../support/payloads';
import { postLead, startBot, waitFor } from '../support/harness';
import {
  adaptiveCardOf,
  playgroundCli,
  startPlayground,
  PLAYGROUND_TEAM,
  type Playground,
  type PlaygroundEvent,
} from '../support/playground';

const GENERAL = PLAYGROUND_TEAM.general.id;

/** Every Action.Execute anywhere in a card (actions, ActionSets, ShowCards). */
function executeActions(node: unknown, out: { verb?: string; data?: any }[] = []): { verb?: string; data?: any }[] {
  if (Array.isArray(node)) for (const n of node) executeActions(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') out.push(o as { verb?: string; data?: any });
    for (const v of Object.values(o)) executeActions(v, out);
  }
  return out;
}

const isChannelPost = (e: PlaygroundEvent) => e.action === 'createMessage' && e.actionConversationId === GENERAL;

describe('Agents Playground: Lead Desk in a simulated Teams team', function () {
  this.timeout(30_000);
  let app: App | undefined;
  let playground: Playground | undefined;

  before(async function () {
    if (!playgroundCli()) {
      process.stderr.write(
        '  skipped: @microsoft/m365agentsplayground is not installed (npm i -D @microsoft/m365agentsplayground)\n',
      );
      this.skip();
    }
    app = await startBot();
    playground = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0 });
  });

  after(async () => {
    await playground?.stop();
    await app?.stop();
  });

  it('installing the app in the Sales team posts the welcome card into its General channel', async () => {
    const pg = playground!;
    await pg.install(PLAYGROUND_TEAM.id);
    const welcome = await pg.waitForMessage(
      (e) => isChannelPost(e) && /Welcome to Lead Desk/.test(JSON.stringify(adaptiveCardOf(e) ?? '')),
      10_000,
      'the welcome card in General',
    );
    assert.equal(
      (welcome.message?.from as { id?: string } | undefined)?.id,
      (await pg.config()).bot.id,
      'posted by the bot',
    );
    const general = await app!.installs.getChannel(GENERAL);
    assert.equal(general?.subscribed, true, 'General receives leads after the install');
    assert.equal(
      pg.events().filter((e) => /Welcome to Lead Desk/.test(JSON.stringify(e))).length,
      1,
      'two install activities, one welcome card',
    );
  });

  it('a Contact me lead posted to the webhook appears in General as a card with a Claim button', async () => {
    const pg = playground!;
    const res = await postLead(app!, contactMePayload);
    assert.equal(res.status, 202);
    const leadId: string = res.body.id;

    const post = await pg.waitForMessage(
      (e) => isChannelPost(e) && JSON.stringify(adaptiveCardOf(e) ?? '').includes(leadId),
      10_000,
      `the card of lead ${leadId}`,
    );
    const card = adaptiveCardOf(post);
    const text = JSON.stringify(card);
    assert.match(text, /Contact me/);
    assert.match(text, /Dana Kowalski/);
    const claim = executeActions(card).find((a) => a.verb === 'claim');
    assert.ok(claim, 'the card has a claim Action.Execute');
    assert.equal(claim.data?.leadId, leadId);

    const posted = await waitFor('the lead marked as posted', async () => {
      const lead = await app!.leads.get(leadId);
      return lead?.delivery.state === 'posted' ? lead : undefined;
    });
    assert.equal(
      posted.delivery.targets?.[0].activityId,
      post.message?.messageId,
      "the lead keeps the Playground's message id for later card updates",
    );
  });

  it('a seller taps Claim in the Playground: she gets her own view with her buttons, and the card updates in place for everyone', async () => {
    const pg = playground!;
    const res = await postLead(app!, {
      ...contactMePayload,
      UserDetails: { ...contactMePayload.UserDetails, Email: 'claim.story@example.com' },
    });
    const leadId: string = res.body.id;
    const post = await pg.waitForMessage(
      (e) => isChannelPost(e) && JSON.stringify(adaptiveCardOf(e) ?? '').includes(leadId),
      10_000,
      'the lead card',
    );
    await waitFor('posted', async () => (await app!.leads.get(leadId))?.delivery.state === 'posted');

    const answer = await pg.invoke({
      name: 'adaptiveCard/action',
      // A channel post is its own thread: the click comes from `<channel>;messageid=<root>`.
      conversationId: String(post.message?.postConversationId ?? GENERAL),
      replyToId: post.message?.messageId,
      value: { action: { type: 'Action.Execute', verb: 'claim', data: { leadId } }, trigger: 'manual' },
    });
    const own = JSON.stringify(answer);
    assert.match(own, /You claimed this lead/);
    assert.match(own, /"verb":"qualify"/, 'the owner view has Qualify');
    const lead = await app!.leads.get(leadId);
    assert.equal(lead?.status, 'claimed');
    const update = await pg.waitForMessage(
      (e) =>
        e.action === 'updateMessage' &&
        e.message?.messageId === post.message?.messageId &&
        /Claimed by/.test(JSON.stringify(adaptiveCardOf(e) ?? '')),
      10_000,
      'the shared card updated in place',
    );
    assert.equal(
      /"verb":"qualify"/.test(JSON.stringify(adaptiveCardOf(update))),
      false,
      'no owner buttons on the shared card',
    );
  });

  it('@Lead Desk help in the channel gets the command list as a threaded reply', async () => {
    const pg = playground!;
    const sent = await pg.mention(GENERAL, 'help');
    assert.ok(sent.postConversationId?.startsWith(`${GENERAL};messageid=`), 'the mention starts a new post in General');
    const reply = await pg.waitForMessage(
      (e) => e.action === 'createMessage' && e.actionConversationId === sent.postConversationId,
      10_000,
      'the reply to @Lead Desk help',
    );
    assert.match(String(reply.message?.text), /Lead Desk commands/);
    assert.match(String(reply.message?.text), /subscribe/);
  });
});
