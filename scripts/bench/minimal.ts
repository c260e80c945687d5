/**
 * Section minimal: the same arrival patterns as steady-1ch / steady-5ch through a bare "minimal path" server on the
 * same machine and LocalTeams, and the ratio Lead Desk / minimal.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LocalTeams } from '../../test/support/localTeams';
import { dot, mark, ms, out, table, type LatencyResult, type Section } from './support';
import { arrivals, channelId, collect, fiveChannel, latencyTable, RUN, STEADY, type CardTracker } from './fixtures';

/**
 * The least a webhook → Teams path can do on the same servers: a bare node:http server whose handler stores the
 * payload with one INSERT into a SQLite file of its own with the store's settings (WAL, synchronous=FULL), answers 202, then
 * POSTs a card of the same size (a Lead Desk card captured earlier, lead id swapped) to /v3/conversations.
 */
async function startMinimal(
  insert: (id: string, doc: string) => void,
  teams: LocalTeams,
  template: NonNullable<CardTracker['sample']>,
) {
  const connectorUrl = `${teams.serviceUrl}v3/conversations`;
  const parts = template.body.split(template.leadId).map((p) => p.split(template.channelId));
  const errors = { store: 0, connector: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let id: string;
        let channel: string;
        try {
          const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            UserDetails?: { Email?: string };
            LeadSource?: string;
          };
          const offer = String(payload.LeadSource ?? '').split('|')[1] ?? '';
          channel = channelId(Number(offer.slice(-3)) || 1);
          id = `L${crypto.createHash('sha256').update(`${payload.UserDetails?.Email}|${offer}`).digest('hex').slice(0, 24)}`;
          insert(id, JSON.stringify({ id, type: 'lead', payload, receivedAt: new Date().toISOString() }));
        } catch {
          errors.store++;
          res.writeHead(500).end();
          return;
        }
        const text = JSON.stringify({ id, status: 'accepted' });
        res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        try {
          const body = parts.map((p) => p.join(channel)).join(id);
          const r = await fetch(connectorUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body,
          });
          await r.text();
          if (r.status >= 300) errors.connector++;
        } catch {
          errors.connector++;
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/leads`;
  return {
    url,
    errors,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Issue 17's goals for webhook → card against the minimal path. */
const GOAL_P50 = 1.2;
const GOAL_P99 = 1.5;

export const minimal: Section = {
  name: 'minimal',
  title: 'the bare minimal path (one durable SQLite insert + one connector POST), same servers and arrival patterns',
  async run(ctx) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `leaddesk-minimal-${RUN}-`));
    const db = new Database(path.join(dir, 'minimal.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE leads (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    const stmt = db.prepare('INSERT INTO leads (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    ctx.cleanups.push(async () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const minimal = await startMinimal((id, doc) => void stmt.run(id, doc), ctx.teams, ctx.tracker.sample!);
    ctx.cleanups.push(minimal.close);
    // Warm-up, as Lead Desk had (JIT, connection pools).
    await collect(ctx, await arrivals(minimal.url, 5, 10, () => 1), 5_000);
    const one = ctx.quick ? STEADY.one.quick : STEADY.one.full;
    const five = ctx.quick ? STEADY.five.quick : STEADY.five.full;
    dot(`  ${one.n} leads at ${one.rate}/s (channel 1) `);
    const r1 = await collect(ctx, await arrivals(minimal.url, one.n, one.rate, () => 1), 30_000);
    out();
    dot(`  ${five.n} leads at ${five.rate}/s (channels 2–6) `);
    const r5 = await collect(ctx, await arrivals(minimal.url, five.n, five.rate, fiveChannel), 30_000);
    out();
    latencyTable([
      ['minimal, 1 lead/s, 1 channel', r1],
      ['minimal, 5 leads/s, 5 channels', r5],
    ]);
    if (minimal.errors.store || minimal.errors.connector)
      out(`  minimal path errors: ${JSON.stringify(minimal.errors)}`);
    ctx.results.minimal = { r1, r5 };

    const pairs: [string, string, LatencyResult][] = [
      ['1 lead/s', 'steady-1ch', r1],
      ['5 leads/s', 'steady-5ch', r5],
    ];
    const rows: string[][] = [];
    for (const [label, name, m] of pairs) {
      const ld = ctx.results[name] as LatencyResult | undefined;
      const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
      const r50 = ratio(ld?.card.p50, m.card.p50);
      const r99 = ratio(ld?.card.p99, m.card.p99);
      const fmt = (x?: number) => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
      rows.push([
        `webhook→card ${label}`,
        ms(ld?.card.p50),
        ms(m.card.p50),
        `${fmt(r50)} ${r50 === undefined ? '' : mark(r50 <= GOAL_P50)}`,
        ms(ld?.card.p99),
        ms(m.card.p99),
        `${fmt(r99)} ${r99 === undefined ? '' : mark(r99 <= GOAL_P99)}`,
      ]);
      if (!ld) {
        out(`  (no Lead Desk figures for ${label}: run the ${name} section too for the ratio)`);
        continue;
      }
      ctx.goals.push({
        label: `ratio Lead Desk / minimal ≤ ${GOAL_P50}, p50, ${label}`,
        ok: (r50 ?? Infinity) <= GOAL_P50,
        detail: fmt(r50),
      });
      ctx.goals.push({
        label: `ratio Lead Desk / minimal ≤ ${GOAL_P99}, p99, ${label}`,
        ok: (r99 ?? Infinity) <= GOAL_P99,
        detail: fmt(r99),
      });
      ctx.readme.push({
        measure: `Minimal path webhook → card p50 / p99, ${label}; ratio Lead Desk / minimal`,
        result: `${ms(m.card.p50)} / ${ms(m.card.p99)}; ${fmt(r50)} / ${fmt(r99)}`,
        goal: `≤ ${GOAL_P50} / ≤ ${GOAL_P99} ${mark((r50 ?? Infinity) <= GOAL_P50 && (r99 ?? Infinity) <= GOAL_P99)}`,
      });
    }
    out();
    table(['', 'Lead Desk p50', 'minimal p50', 'ratio p50', 'Lead Desk p99', 'minimal p99', 'ratio p99'], rows);
  },
};
