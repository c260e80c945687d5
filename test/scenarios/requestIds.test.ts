/**
 * Following one lead through the logs (issue 13, item 6): every line logged for an HTTP request, a job pass or one
 * lead's delivery carries a `requestId`, and the lead's id once it is known, so one lead can be followed across
 * instances in Log Analytics. The request id comes from the platform when it sends one and is echoed back.
 */
import assert from 'node:assert/strict';
import { contactMePayload } from '../support/payloads';
import { logLines, postLead, sendActivity, useBot, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';

interface Line {
  module?: string;
  msg: string;
  requestId?: string;
  leadId?: string;
  activityId?: string;
}

const parse = (from: number): Line[] => logLines.slice(from).map((l) => JSON.parse(l) as Line);

describe('request ids: one lead followed across log lines', () => {
  const scenario = useBot();

  it('from the webhook to its posted card and a claim: every line carries a request id, and those about the lead its id', async () => {
    const from = logLines.length;
    const res = await postLead(scenario.app, contactMePayload, { headers: { 'x-request-id': 'pc-7f3a-0001' } });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-request-id'), 'pc-7f3a-0001', 'echoed back');
    const id = res.body.id as string;
    const card = await waitFor('card', () => scenario.teams.cards().find((c) => JSON.stringify(c.card).includes(id)));
    await waitFor('posted', async () => (await scenario.app.leads.get(id))?.delivery.state === 'posted');
    const click = scenario.teams.invokeActivity({
      verb: 'claim',
      data: { leadId: id },
      conversationId: card.conversationId,
      replyToId: card.activityId,
      user: seller('Ana'),
    });
    assert.equal((await sendActivity(scenario.app, click)).status, 200);
    await waitFor('card updated', () =>
      parse(from).some((l) => l.leadId === id && l.module === 'jobs:outbox' && /updated/.test(l.msg)),
    );

    const lines = parse(from);
    const lead = lines.filter((l) => l.leadId === id);
    const received = lead.find((l) => l.module === 'http:leads');
    assert.equal(received?.requestId, 'pc-7f3a-0001', 'the webhook line has the platform request id');
    const posted = lead.find((l) => l.module === 'jobs:outbox' && /posted/.test(l.msg));
    assert.ok(posted?.requestId, 'the delivery has a request id of its own');
    assert.notEqual(posted.requestId, received.requestId);
    const action = lead.find((l) => l.module === 'teams:actions' || /action/.test(l.msg));
    assert.ok(action?.requestId, 'the click has a request id');
    assert.equal(action.activityId, click.id, 'and the activity id Teams gave it');
    // The lines of requests and of the jobs that work on leads (the heartbeat of the instance registry is neither).
    const without = lines.filter((l) => !l.requestId && /^(http|teams|jobs:(outbox|reminders))/.test(l.module ?? ''));
    assert.deepEqual(
      without.map((l) => `${l.module}: ${l.msg}`),
      [],
      'no line of a request or a job without a request id',
    );
  });

  it("takes the platform's request id (x-request-id, x-ms-request-id, a traceparent's trace id), makes one otherwise, and never echoes a forged one", async () => {
    const health = (headers: Record<string, string> = {}) =>
      fetch(`${scenario.app.url}/api/health`, { headers }).then((r) => r.headers.get('x-request-id'));
    assert.equal(await health({ 'x-ms-request-id': 'azure-123' }), 'azure-123');
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.equal(await health({ traceparent: `00-${trace}-00f067aa0ba902b7-01` }), trace);
    const made = await health();
    assert.match(String(made), /^[0-9a-f-]{36}$/);
    assert.notEqual(await health(), made, 'a new one per request');
    const forged = await health({ 'x-request-id': 'a b"}{"leadId":"x' });
    assert.match(String(forged), /^[0-9a-f-]{36}$/, 'an id with characters that could forge a log line is replaced');
  });
});
