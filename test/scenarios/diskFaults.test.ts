/**
 * The disk fills up, turns read-only or fails, or the store file is damaged (issue 14; SQLite, the embedded store).
 * Partner Center gets 503 with Retry-After (never a 202 for a lead not stored, never a 500), a seller's click gets
 * "Could not save, try again", /api/ready says not ready while /api/health stays alive; the bot recovers by itself
 * when space returns, and nothing stored is damaged. A damaged file is found at start and reported in one line.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type sinon from 'sinon';
import type { App } from '../../src/main';
import { sqliteFile } from '../../src/store';
import { contactMePayload } from '../support/payloads';
import {
  LocalTeams,
  TEST_STORE,
  install,
  logLines,
  postLead,
  sendActivity,
  startBot,
  tempDir,
  waitFor,
} from '../support/harness';
import { seller } from '../support/localTeams';
import { corruptCopy, failWrites, integrityCheck } from '../support/diskFaults';

const person = (n: number | string) => ({
  ...contactMePayload,
  Description: `Lead ${n}: ${'a long enough description to fill pages. '.repeat(40)}`,
  UserDetails: { ...contactMePayload.UserDetails, Email: `disk${n}@example.com` },
});

async function get(app: App, route: string) {
  const res = await fetch(`${app.url}${route}`);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

async function postWithHeaders(app: App, payload: unknown) {
  const { status, headers, body } = await postLead(app, payload);
  return { status, retryAfter: headers.get('retry-after'), body };
}

describe('a full or failing disk (SQLite)', () => {
  let teams: LocalTeams;
  let app: App;
  let dataDir: string;
  let fault: sinon.SinonStub | undefined;

  before(function () {
    if (TEST_STORE === 'cosmos') this.skip(); // the disk is SQLite's; Cosmos DB answers 503 itself
  });
  beforeEach(async () => {
    teams = await new LocalTeams().start();
    dataDir = tempDir();
    app = await startBot({ dataDir });
    await install(app, teams);
    await waitFor('ready after the start check', async () => (await get(app, '/api/ready')).status === 200);
  });
  afterEach(async () => {
    fault?.restore();
    fault = undefined;
    await app?.stop();
    await teams.stop();
  });

  it('the disk fills up: 503 + Retry-After for Partner Center, "Could not save" for the seller, not ready; then it recovers by itself', async () => {
    const posted = await postLead(app, person(1));
    const card = await waitFor('card', () =>
      teams.cards().find((c) => JSON.stringify(c.card).includes(posted.body.id)),
    );
    await waitFor('posted', async () => (await app.leads.get(posted.body.id))?.delivery.state === 'posted');

    fault = failWrites('SQLITE_FULL');
    const refused = await postWithHeaders(app, person(2));
    assert.equal(refused.status, 503);
    assert.equal(refused.retryAfter, '30');
    assert.equal(refused.body.error.code, 'store.unavailable');

    const ready = await get(app, '/api/ready');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.store, { backend: 'sqlite', status: 'unavailable', code: 'store.unavailable' });
    assert.equal((await get(app, '/api/health')).status, 200, '/api/health stays the liveness answer');

    const click = teams.invokeActivity({
      verb: 'claim',
      data: { leadId: posted.body.id },
      conversationId: card.conversationId,
      replyToId: card.activityId,
      user: seller('Ana'),
    });
    const answer = await sendActivity(app, click);
    assert.equal(answer.status, 200);
    assert.match(JSON.stringify(answer.body.value), /Could not save, try again/);
    assert.equal((await app.leads.get(posted.body.id))?.status, 'new', 'nothing was written');

    fault.restore(); // space is back
    fault = undefined;
    assert.equal((await get(app, '/api/ready')).status, 200);
    const retried = await postWithHeaders(app, person(2));
    assert.equal(retried.status, 202);
    await waitFor('the retried lead posted', () =>
      teams.cards().some((c) => JSON.stringify(c.card).includes(retried.body.id)),
    );
    assert.equal((await sendActivity(app, click)).status, 200);
    assert.equal((await app.leads.get(posted.body.id))?.status, 'claimed');

    await app.stop();
    assert.equal(integrityCheck(sqliteFile(dataDir)), 'ok');
  });

  it('a chat command that cannot save on a full disk answers "Could not save" instead of staying silent', async () => {
    fault = failWrites('SQLITE_FULL');
    const before = teams.replies().length;
    const ask = teams.mentionActivity('subscribe appsource', teams.team.channels[1].id, seller('Maya'));
    assert.equal((await sendActivity(app, ask)).status, 200);
    const reply = await waitFor('a reply', () =>
      teams
        .replies()
        .slice(before)
        .find((r) => r.body?.text),
    );
    assert.match(String(reply.body.text), /Could not save, try again/);
  });

  it('a read-only disk, a failing disk and a lock held past the busy timeout are each a 503 with Retry-After, never a 500', async () => {
    for (const code of ['SQLITE_READONLY', 'SQLITE_IOERR_WRITE', 'SQLITE_BUSY']) {
      fault = failWrites(code);
      const res = await postWithHeaders(app, person(code));
      assert.equal(res.status, 503, code);
      assert.equal(res.retryAfter, '30', code);
      assert.equal(res.body.error.code, 'store.unavailable', code);
      assert.equal((await get(app, '/api/ready')).status, 503, code);
      fault.restore();
      fault = undefined;
      assert.equal((await get(app, '/api/ready')).status, 200, code);
    }
    assert.equal((await app.leads.all()).length, 0, 'no lead half-stored');
  });
});

describe('a damaged store file (SQLite)', () => {
  const apps: App[] = [];
  before(function () {
    if (TEST_STORE === 'cosmos') this.skip();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
  });

  it('a bot started on a copy corrupted in the middle says so in one line, is not ready, and answers 503 instead of 500s', async function () {
    this.timeout(20_000);
    const dataDir = tempDir();
    const healthy = await startBot({ dataDir, overrides: { jobs: false } });
    for (let i = 0; i < 120; i++) assert.equal((await postLead(healthy, person(i))).status, 202);
    await healthy.stop();

    const copyDir = tempDir();
    const file = corruptCopy(sqliteFile(dataDir), copyDir);
    const seen = logLines.length;
    const app = await startBot({ dataDir: copyDir });
    apps.push(app);

    const ready = await waitFor('not ready: damaged', async () => {
      const r = await get(app, '/api/ready');
      return r.body.store.status === 'damaged' ? r : undefined;
    });
    assert.equal(ready.status, 503);
    const lines = logLines.slice(seen).filter((l) => l.includes('is damaged'));
    assert.equal(lines.length, 1, 'one line');
    assert.ok(lines[0].includes(path.resolve(file)), 'it names the file');
    assert.match(lines[0], /restored from a backup/);
    assert.match(lines[0], /delete .*-wal/);

    const res = await postWithHeaders(app, person('new'));
    assert.equal(res.status, 503);
    assert.equal(res.retryAfter, '30');
    assert.equal(res.body.error.code, 'store.damaged');
    assert.equal((await get(app, '/api/health')).status, 200);
    assert.ok(fs.existsSync(file));
  });
});
