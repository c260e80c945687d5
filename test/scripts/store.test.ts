/**
 * A team outgrows one machine and copies its leads to Cosmos DB: `npm run store -- copy | backup | rebuild-stats | help`
 * (scripts/store.ts), run against SQLite files in temp dirs and the in-process Cosmos protocol server.
 * The copy loop and the backup are called as functions (so a fault can be injected into the target store); the CLI is
 * driven in-process for its output and once as a child process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import { LeadDeskError } from '../../src/leads/errors';
import type { Lead } from '../../src/leads/lead';
import { entryOf } from '../../src/leads/pipeline';
import { openStore, sqliteFile, type Store } from '../../src/store';
import { CONTAINER_NAMES, withoutSystemFields, type ContainerName, type Doc } from '../../src/store/backend';
import { run, USAGE } from '../../scripts/store';
import { backupSqlite, countLeads } from '../../scripts/store/backup';
import { checkpointFile, copyStore, CopyStopped, type CopyEvent } from '../../scripts/store/copy';
import { sharedCosmosServer } from '../support/cosmosServer';
import { ANA, makeLead } from '../support/leadFixtures';

// ─── builders ───────────────────────────────────────────────────────────────

const ROOT = path.resolve(__dirname, '..', '..');
const opened: Store[] = [];
let databases = 0;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-store-'));
}

async function sqliteStore(dataDir: string): Promise<Store> {
  const s = await openStore({ dataDir, cosmos: { database: 'unused' } }, 'sqlite');
  opened.push(s);
  return s;
}

/** A fresh database on the shared in-process Cosmos server; `env` points the CLI at the same one. */
async function cosmosStore(): Promise<{ store: Store; env: Record<string, string> }> {
  const cosmos = await sharedCosmosServer();
  const database = `storecopy${process.pid}x${++databases}`;
  const store = await openStore(
    { dataDir: tempDir(), cosmos: { endpoint: cosmos.endpoint, key: cosmos.key, database } },
    'cosmos',
  );
  opened.push(store);
  return { store, env: { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: database } };
}

const hex = (s: string) => createHash('sha1').update(s).digest('hex');
const asDoc = (lead: Lead) => lead as unknown as Doc;

/** The team's data: leads, their audit trail, where the app is installed and pipeline rollups (ids in no particular insertion order). */
function teamData(leads = 260, events = 310, channels = 24, days = 3): Record<ContainerName, Doc[]> {
  const leadIds = Array.from({ length: leads }, (_, i) => `lead-${hex(`lead ${i}`).slice(0, 8)}`);
  return {
    leads: leadIds.map((id, i) =>
      asDoc(
        makeLead({
          id,
          dedupeKey: `e:buyer${i}@fabrikam.example|contoso.lead-desk-analytics`,
          contact: { firstName: 'Jamie', email: `buyer${i}@fabrikam.example` },
          score: i % 100,
        }),
      ),
    ),
    events: Array.from({ length: events }, (_, i) => {
      const h = hex(`event ${i}`);
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
      return {
        id,
        leadId: leadIds[i % leads],
        at: new Date(Date.UTC(2026, 10, 24, 14, 7, i)).toISOString(),
        verb: 'claim',
        actor: ANA,
        from: 'new',
        to: 'claimed',
        data: {},
      };
    }),
    installs: [
      {
        id: 'team:19:sales@thread.tacv2',
        type: 'team',
        teamId: '19:sales@thread.tacv2',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        reference: {},
        installedAt: '2026-11-01T09:00:00.000Z',
      },
      ...Array.from({ length: channels - 1 }, (_, i) => ({
        id: `channel:19:${hex(`channel ${i}`).slice(0, 12)}@thread.tacv2`,
        type: 'channel',
        teamId: '19:sales@thread.tacv2',
        channelId: `19:${hex(`channel ${i}`).slice(0, 12)}@thread.tacv2`,
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        reference: { conversation: { id: `19:${hex(`channel ${i}`).slice(0, 12)}@thread.tacv2` } },
        subscribed: i % 2 === 0,
      })),
    ],
    stats: Array.from({ length: days }, (_, i) => ({
      id: `day:2026-11-${20 + i}`,
      type: 'day',
      day: `2026-11-${20 + i}`,
      entries: {},
    })),
  };
}

async function seed(store: Store, data: Record<ContainerName, Doc[]>): Promise<void> {
  for (const c of CONTAINER_NAMES) await store.bulk.put(c, data[c]);
}

/** Every document of every container without system fields, in id order. */
async function everything(store: Store): Promise<Record<ContainerName, Doc[]>> {
  const out = {} as Record<ContainerName, Doc[]>;
  for (const c of CONTAINER_NAMES) {
    out[c] = [];
    for (
      let page = await store.bulk.page(c, undefined, 1000);
      page.length;
      page = await store.bulk.page(c, page[page.length - 1].id, 1000)
    )
      out[c].push(...page.map((d) => withoutSystemFields(d)));
  }
  return out;
}

async function counts(store: Store): Promise<Record<ContainerName, number>> {
  return Object.fromEntries(
    await Promise.all(CONTAINER_NAMES.map(async (c) => [c, await store.bulk.count(c)])),
  ) as Record<ContainerName, number>;
}

const sorted = (data: Record<ContainerName, Doc[]>) =>
  Object.fromEntries(
    CONTAINER_NAMES.map((c) => [c, [...data[c]].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))]),
  );

/** stdout/stderr for the CLI run in-process (not a TTY: plain progress lines). */
function captureIo() {
  const text = { stdout: '', stderr: '' };
  const sink = (k: keyof typeof text) =>
    new Writable({
      write: (chunk, _e, cb) => {
        text[k] += String(chunk);
        cb();
      },
    });
  return { io: { stdout: sink('stdout'), stderr: sink('stderr') }, text };
}

afterEach(async () => {
  sinon.restore();
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

// ─── copy ───────────────────────────────────────────────────────────────────

describe('npm run store -- copy: a team outgrows one machine and copies its leads to Cosmos DB', () => {
  it('copies every lead, event and install to Cosmos DB, and a second run leaves the same target', async () => {
    const dir = tempDir();
    const source = await sqliteStore(dir);
    await seed(source, teamData());
    const { store: target } = await cosmosStore();
    const checkpoint = checkpointFile(dir, 'sqlite', 'cosmos');

    const first = await copyStore(source, target, { checkpoint, pageSize: 100 });
    assert.deepEqual(await counts(target), { leads: 260, events: 310, installs: 24, stats: 3 });
    assert.deepEqual(first.containers, {
      leads: { copied: 260, target: 260 },
      events: { copied: 310, target: 310 },
      installs: { copied: 24, target: 24 },
      stats: { copied: 3, target: 3 },
    });
    assert.deepEqual(
      sorted(await everything(target)),
      sorted(await everything(source)),
      'the documents are equal (system fields aside)',
    );
    assert.equal(fs.existsSync(checkpoint), false, 'a completed copy deletes its checkpoint');

    const second = await copyStore(source, target, { checkpoint, pageSize: 100 });
    assert.equal(second.resumedAfter, 0, 'the next run copies everything again');
    assert.deepEqual(await counts(target), { leads: 260, events: 310, installs: 24, stats: 3 });
    assert.deepEqual(sorted(await everything(target)), sorted(await everything(source)));
  });

  it('resumes an interrupted copy after the last page it wrote and ends with every document, none written twice', async () => {
    const dir = tempDir();
    const source = await sqliteStore(dir);
    await seed(source, teamData());
    const { store: target } = await cosmosStore();
    const checkpoint = checkpointFile(dir, 'sqlite', 'cosmos');
    // The injected fault: Cosmos DB stops answering on the third page (after two pages of leads were written).
    const put = target.bulk.put.bind(target.bulk);
    const written: string[] = [];
    const stub = sinon.stub(target.bulk, 'put').callsFake(async (c, docs) => {
      await put(c, docs);
      written.push(...docs.map((d) => `${c}/${d.id}`));
    });
    stub.onThirdCall().rejects(new LeadDeskError('store.unavailable'));

    const failed = await copyStore(source, target, { checkpoint, pageSize: 100 }).then(
      () => assert.fail('the copy should stop'),
      (err: unknown) => err,
    );
    assert.ok(failed instanceof CopyStopped);
    assert.equal(failed.container, 'leads');
    assert.equal(failed.copied, 200);
    assert.match(failed.message, /not reachable/);
    assert.ok(fs.existsSync(checkpoint), 'the checkpoint stays for the rerun');
    assert.equal(await target.bulk.count('leads'), 200);

    const events: CopyEvent[] = [];
    const result = await copyStore(source, target, { checkpoint, pageSize: 100, onProgress: (e) => events.push(e) });
    assert.deepEqual(events[0], { kind: 'resume', after: 200 }, 'the rerun reports where it resumes');
    assert.deepEqual(
      events.find((e) => e.kind === 'container-start'),
      { kind: 'container-start', container: 'leads', total: 260, done: 200 },
    );
    assert.equal(result.resumedAfter, 200);
    assert.deepEqual(await counts(target), { leads: 260, events: 310, installs: 24, stats: 3 });
    assert.deepEqual(sorted(await everything(target)), sorted(await everything(source)));
    assert.equal(written.length, 260 + 310 + 24 + 3, 'every document was written once over both runs');
    assert.equal(new Set(written).size, written.length, 'and none twice');
    assert.equal(fs.existsSync(checkpoint), false);
  });

  it('copies back from Cosmos DB into an empty SQLite store and gives the original documents', async () => {
    const original = await sqliteStore(tempDir());
    await seed(original, teamData(120, 150, 9));
    const { store: cosmos } = await cosmosStore();
    const back = await sqliteStore(tempDir());

    await copyStore(original, cosmos, { checkpoint: path.join(tempDir(), 'to.json'), pageSize: 50 });
    await copyStore(cosmos, back, { checkpoint: path.join(tempDir(), 'back.json'), pageSize: 50 });

    assert.deepEqual(sorted(await everything(back)), sorted(await everything(original)));
    assert.equal(
      (await back.installs.channels('19:sales@thread.tacv2')).length,
      8,
      'the bot finds its channels in the copy',
    );
    assert.equal(
      (await back.leads.dueForDelivery(new Date('2030-01-01T00:00:00.000Z'), 500)).length,
      120,
      'and its pending leads',
    );
  });

  it('prints where it copies, that it resumes, and the counts per container, with no lead content', async () => {
    const dir = tempDir();
    const source = await sqliteStore(dir);
    await seed(source, teamData());
    const { store: target, env } = await cosmosStore();
    const stub = sinon.stub(target.bulk, 'put').callThrough();
    stub.onSecondCall().rejects(new LeadDeskError('store.unavailable'));
    await assert.rejects(
      copyStore(source, target, { checkpoint: checkpointFile(dir, 'sqlite', 'cosmos'), pageSize: 100 }),
      CopyStopped,
    );
    sinon.restore();

    const { io, text } = captureIo();
    const code = await run(['copy', '--to', 'cosmos'], io, { DATA_DIR: dir, ...env });

    assert.equal(code, 0, text.stderr);
    const out = text.stdout.split('\n');
    assert.match(
      out[0],
      new RegExp(
        `^Copying sqlite \\(.*leaddesk\\.db\\) to cosmos \\(http://127\\.0\\.0\\.1:\\d+ database ${env.COSMOS_DATABASE}\\)$`,
      ),
    );
    assert.match(
      out[1],
      /^resuming after 100 documents \(checkpoint .*store-copy-sqlite-to-cosmos\.json; --restart copies everything\)$/,
    );
    assert.match(text.stdout, /^ {2}leads +260 copied, +260 in the target now$/m);
    assert.match(text.stdout, /^ {2}events +310 copied, +310 in the target now$/m);
    assert.match(text.stdout, /^ {2}installs +24 copied, +24 in the target now$/m);
    assert.match(text.stdout, /^ {2}stats +3 copied, +3 in the target now$/m);
    assert.match(text.stderr, /^leads: 100 of 260 \(38%\)$/m, 'plain progress lines when stderr is not a terminal');
    assert.match(text.stderr, /^events: 310 of 310 \(100%\), done$/m);
    for (const personal of ['fabrikam', 'Jamie', 'Ana Souza', 'Müller'])
      assert.ok(!(text.stdout + text.stderr).includes(personal), personal);
    assert.deepEqual(await counts(target), { leads: 260, events: 310, installs: 24, stats: 3 });
  });

  it('fails with one line when COSMOS_ENDPOINT is not set', async () => {
    const dir = tempDir();
    await seed(await sqliteStore(dir), teamData(3, 3, 2));
    const { io, text } = captureIo();
    assert.equal(await run(['copy', '--to', 'cosmos'], io, { DATA_DIR: dir }), 1);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^store copy: COSMOS_ENDPOINT is not set: .*\n$/);
    assert.equal(text.stderr.split('\n').length, 2, 'one line');
  });
});

// ─── backup ─────────────────────────────────────────────────────────────────

describe('npm run store -- backup: a consistent copy of the SQLite store while the bot runs', () => {
  it('holds every lead committed before it started while another connection keeps writing, and restores as the store', async () => {
    const dir = tempDir();
    const bot = await sqliteStore(dir);
    await seed(bot, { leads: teamData(1500, 0, 0).leads, events: [], installs: [], stats: [] });
    const before = await bot.bulk.count('leads');
    const file = path.join(tempDir(), 'backup.db');

    // The bot keeps taking leads (one per turn of the event loop) on its own connection while the backup runs on another.
    let stop = false;
    let taken = 0;
    const writing = (async () => {
      while (!stop && taken < 300) {
        await bot.leads.create(
          makeLead({ id: `lead-during-${taken++}`, dedupeKey: `e:late${taken}@fabrikam.example|x` }),
        );
        await new Promise(setImmediate);
      }
    })();
    const backupConnection = await sqliteStore(dir);
    const takenBefore = taken;
    const result = await backupSqlite(backupConnection, file, { liveFile: sqliteFile(dir) });
    const takenDuring = taken - takenBefore;
    stop = true;
    await writing;
    const after = await bot.bulk.count('leads');

    assert.ok(takenDuring > 0, 'leads were written while the backup ran');
    assert.ok(result.leads >= before && result.leads <= after, `${before} ≤ ${result.leads} ≤ ${after}`);
    assert.equal(countLeads(file), result.leads, 'the copy opens read-only and passes quick_check');
    assert.equal(result.bytes, fs.statSync(file).size);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['backup.db'], 'one self-contained file');

    // Restoring: the backup file becomes DATA_DIR/leaddesk.db of a stopped bot.
    const restored = tempDir();
    fs.copyFileSync(file, sqliteFile(restored));
    const store = await sqliteStore(restored);
    assert.equal((await store.leads.all()).length, result.leads);
  });

  it('refuses to overwrite an existing file unless --force, and prints the size, the lead count and how to restore', async () => {
    const dir = tempDir();
    await seed(await sqliteStore(dir), teamData(40, 10, 2));
    const file = path.join(tempDir(), 'nightly.db');

    const first = captureIo();
    assert.equal(await run(['backup', file], first.io, { DATA_DIR: dir }), 0, first.text.stderr);
    const live = sqliteFile(dir);
    assert.equal(
      first.text.stdout,
      `Backed up ${live} to ${file}: ${(fs.statSync(file).size / 1024).toFixed(1)} KB, 40 leads.\n` +
        `To restore it: stop the bot, replace ${live} with ${file} (and delete ${live}-wal and ${live}-shm), start the bot.\n`,
    );
    const kept = fs.readFileSync(file);

    const again = captureIo();
    assert.equal(await run(['backup', file], again.io, { DATA_DIR: dir }), 1);
    assert.equal(again.text.stderr, `store backup: ${file} exists already; pass --force to replace it.\n`);
    assert.ok(fs.readFileSync(file).equals(kept), 'the existing backup is untouched');

    const forced = captureIo();
    assert.equal(await run(['backup', file, '--force'], forced.io, { DATA_DIR: dir }), 0, forced.text.stderr);
    assert.match(forced.text.stdout, /40 leads\.\n/);
    assert.equal(countLeads(file), 40);
  });

  it('refuses to back up Cosmos DB and points to its continuous backup', async () => {
    const { env } = await cosmosStore();
    const { io, text } = captureIo();
    assert.equal(await run(['backup', path.join(tempDir(), 'x.db')], io, { DATA_DIR: tempDir(), ...env }), 1);
    assert.match(text.stderr, /^store backup: .*Cosmos DB.*continuous backup and point-in-time restore.*\n$/);
  });
});

// ─── rebuild-stats ──────────────────────────────────────────────────────────

describe('npm run store -- rebuild-stats: the pipeline rollups recomputed from the leads', () => {
  it('adds the rollups of leads copied in without them, removes an entry of no lead, reports both; a second run finds nothing', async () => {
    const dir = tempDir();
    const store = await sqliteStore(dir);
    await seed(store, teamData(40, 0, 0, 0)); // bulk.put records no rollups
    await store.bulk.put('stats', [
      {
        id: 'day:2026-11-02',
        type: 'day',
        day: '2026-11-02',
        entries: { 'L-ghost': entryOf(makeLead({ id: 'L-ghost' })) },
      },
    ]);

    const first = captureIo();
    assert.equal(await run(['rebuild-stats'], first.io, { DATA_DIR: dir }), 0, first.text.stderr);
    const out = first.text.stdout.split('\n');
    assert.equal(out[0], `Rebuilding the pipeline rollups of sqlite (${sqliteFile(dir)}) from its leads`);
    assert.match(out[1], /^Read 40 leads and compared 2 days in \d+\.\d s: corrected 2 days:$/);
    assert.match(first.text.stdout, /^ +40 missing +\(a lead without an entry in its day: added\)$/m);
    assert.match(first.text.stdout, /^ +0 stale /m);
    assert.match(first.text.stdout, /^ +1 extra +\(an entry of no lead of that day: removed\)$/m);
    assert.equal(
      (await store.stats.entries('2026-11-01', '2026-11-30')).length,
      40,
      'the bot sees every lead in the rollups',
    );

    const second = captureIo();
    assert.equal(await run(['rebuild-stats'], second.io, { DATA_DIR: dir }), 0, second.text.stderr);
    assert.match(
      second.text.stdout,
      /^Read 40 leads and compared 2 days in \d+\.\d s: every day was right; nothing corrected\.$/m,
    );
  });

  it('rebuilds the Cosmos DB store when COSMOS_ENDPOINT is set', async () => {
    const { store, env } = await cosmosStore();
    await seed(store, teamData(12, 0, 0, 0));
    const { io, text } = captureIo();
    assert.equal(await run(['rebuild-stats'], io, { DATA_DIR: tempDir(), ...env }), 0, text.stderr);
    assert.match(text.stdout, /^Rebuilding the pipeline rollups of cosmos \(http:\/\/127\.0\.0\.1:\d+ database /);
    assert.match(text.stdout, /^ +12 missing /m);
    assert.equal((await store.stats.entries('2026-11-01', '2026-11-30')).length, 12);
  });
});

// ─── help ───────────────────────────────────────────────────────────────────

describe('npm run store -- help', () => {
  it('prints the usage of every command and exits 0, as a process of its own', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', 'tsx', 'scripts/store.ts', 'help'],
          { cwd: ROOT },
          (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
        );
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(stdout, USAGE);
    for (const command of ['copy --to cosmos', 'copy --to sqlite', 'backup <file> [--force]', 'rebuild-stats', 'help'])
      assert.ok(stdout.includes(command), command);
  });
});
