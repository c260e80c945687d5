/**
 * An attacker, or bad luck, at the webhook and the bot endpoint (issue 14): JSON nested 10,000 deep is a 400 naming
 * the limit (Partner Center does not retry a 4xx) and stores nothing; a zero-width space does not make a second
 * person; a 10 KB name still reaches the channel; and when Teams refuses a card as too large, the reduced card goes.
 */
import assert from 'node:assert/strict';
import { contactMePayload, tableEntityPayload } from '../support/payloads';
import { postLead, sendActivity, useBot, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';

const nested = (depth: number, inner: unknown = {}) => {
  let v: unknown = inner;
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
};
const deepText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const person = (email: string, extra: Record<string, unknown> = {}) => ({
  ...contactMePayload,
  ...extra,
  UserDetails: { ...contactMePayload.UserDetails, Email: email },
});

describe('hostile input at the webhook and the bot endpoint', () => {
  const scenario = useBot();

  it('a lead nested 33 or 10,000 levels deep gets 400 webhook.too-deep naming the limit, and nothing is stored', async () => {
    const before = (await scenario.app.leads.all()).length;
    for (const raw of [
      JSON.stringify({ ...contactMePayload, Extra: nested(33) }),
      JSON.stringify({ ...contactMePayload, Extra: deepText(10_000) }).replace(/"(\[+\]+)"/, '$1'),
      // the Azure Table shape: CustomerInfo is a string holding JSON, which intake parses too
      JSON.stringify({ ...tableEntityPayload, CustomerInfo: `{"FirstName":"A","x":${deepText(5_000)}}` }),
    ]) {
      const res = await postLead(scenario.app, undefined, { raw });
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 200));
      assert.equal(res.body.error.code, 'webhook.too-deep');
      assert.equal(res.body.error.limit, 32);
      assert.match(res.body.error.message, /deeper than 32 levels/);
    }
    assert.equal((await scenario.app.leads.all()).length, before);
    const fine = await postLead(scenario.app, person('deep-ok@example.com', { Extra: nested(30) }));
    assert.equal(fine.status, 202, 'a payload within the limit is taken');
  });

  it('an activity nested 10,000 levels deep gets 400 bot.too-deep before the bot runs; the bot answers the next one', async () => {
    const raw = `{"type":"message","value":${deepText(10_000)}}`;
    const res = await fetch(`${scenario.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: raw,
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; limit: number } };
    assert.equal(body.error.code, 'bot.too-deep');
    assert.equal(body.error.limit, 32);
    const help = await sendActivity(scenario.app, scenario.teams.mentionActivity('help'));
    assert.equal(help.status, 200);
  });

  it('GET /api/ready answers 200 once the store takes writes, with no-store caching', async () => {
    const res = await waitFor('ready', async () => {
      const r = await fetch(`${scenario.app.url}/api/ready`);
      return r.status === 200 ? r : undefined;
    });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), {
      status: 'ready',
      store: { backend: scenario.app.store.backend, status: 'ok' },
      jobs: 'started',
    });
  });

  it('the same email with and without a zero-width space (and in full-width letters) is one lead', async () => {
    const first = await postLead(scenario.app, person('dana@contoso.com'));
    const zw = await postLead(scenario.app, person('da\u200Bna@contoso.com\uFEFF', { Description: 'second signal' }));
    const wide = await postLead(scenario.app, person('ＤＡＮＡ@contoso.com', { Description: 'third signal' }));
    assert.equal(first.status, 202);
    assert.equal(zw.body.id, first.body.id);
    assert.equal(wide.body.id, first.body.id);
    assert.equal(zw.body.status, 'merged');
  });

  it('a lead with a 10 KB name reaches the channel on a card under 28 KB; the stored lead keeps the whole name', async () => {
    const name = 'N'.repeat(10 * 1024);
    const payload = person('long@example.com', { Description: 'D'.repeat(20_000) });
    payload.UserDetails = { ...payload.UserDetails, FirstName: name, LastName: 'Rtl\u202Egnp.exe' };
    const res = await postLead(scenario.app, payload);
    assert.equal(res.status, 202);
    const post = await waitFor('card', () =>
      scenario.teams.posts().find((p) => JSON.stringify(p.body).includes(res.body.id)),
    );
    assert.ok(Buffer.byteLength(JSON.stringify(post.body)) < 28_000);
    const card = JSON.stringify(post.body.activity.attachments[0].content);
    assert.match(card, /NNN…/);
    assert.doesNotMatch(card, /\u202E/);
    const stored = await scenario.app.leads.get(res.body.id);
    assert.equal(stored?.contact.firstName, name);
    assert.equal(stored?.contact.lastName, 'Rtl\u202Egnp.exe');
  });
});

describe('Teams refuses a card as too large', () => {
  const scenario = useBot();

  const longLead = (email: string) => person(email, { Description: 'Needs a long explanation. '.repeat(60) });

  it('413 MessageSizeTooBig on the post: the reduced card is posted instead and the lead counts as posted', async () => {
    scenario.teams.maxBodyBytes = 3_500;
    const res = await postLead(scenario.app, longLead('big@example.com'));
    const post = await waitFor('reduced card', () =>
      scenario.teams.posts().find((p) => JSON.stringify(p.body).includes(res.body.id)),
    );
    assert.ok(
      scenario.teams.requests.some((r) => r.op === 'create' && r.status === 413),
      'the full card was refused first',
    );
    const card = JSON.stringify(post.body.activity.attachments[0].content);
    assert.match(card, /Shortened to fit in Teams/);
    assert.match(card, /"verb":"claim"/);
    await waitFor('posted', async () => (await scenario.app.leads.get(res.body.id))?.delivery.state === 'posted');
    assert.match((await scenario.app.leads.get(res.body.id))!.description ?? '', /long explanation/);

    // A claim updates the card in place: refused in full too, so the reduced card replaces it.
    const claim = scenario.teams.invokeActivity({
      verb: 'claim',
      data: { leadId: res.body.id },
      conversationId: post.conversationId!,
      replyToId: post.activityId!,
      user: seller('Ana'),
    });
    assert.equal((await sendActivity(scenario.app, claim)).status, 200);
    const updated = await waitFor('reduced update', () =>
      scenario.teams.updates(post.activityId).find((u) => JSON.stringify(u.body).includes('Claimed by Ana')),
    );
    assert.match(JSON.stringify(updated.body), /Shortened to fit in Teams/);
  });

  it('when even the reduced card is refused, the delivery is marked failed once, not retried forever', async () => {
    scenario.teams.maxBodyBytes = 300;
    const res = await postLead(scenario.app, longLead('huge@example.com'));
    await waitFor('failed', async () => (await scenario.app.leads.get(res.body.id))?.delivery.state === 'failed');
    const lead = await scenario.app.leads.get(res.body.id);
    assert.equal(lead?.delivery.lastError, 'teams.too-large');
    const refused = scenario.teams.requests.filter((r) => r.op === 'create' && r.status === 413 && !r.personal);
    assert.equal(refused.length, 2, 'the full card, then the reduced card');
  });
});
