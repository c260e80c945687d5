/**
 * Section crm (issue 16): qualify → Dynamics 365 record, against the local Entra ID and Dataverse stand-ins
 * (test/support/crm/), the bot in this process with CRM=dynamics and its default timing.
 * 1. Latency: leads claimed and qualified one at a time (Action.Execute over HTTP, as Teams sends them); from the
 *    Qualify click to the moment Dataverse wrote the lead row. p50 / p99.
 * 2. 200 qualifications spread over a minute while Dataverse answers 429 (Retry-After: 1) for the first 10 s: all 200
 *    arrive, each once (one row, one write, one note), and how long it took.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../../src/main';
import { LocalTeams, seller } from '../../test/support/localTeams';
import { LocalEntra, identityOptions } from '../../test/support/crm/entra';
import { LocalDataverse } from '../../test/support/crm/dataverse';
import { contactMePayload } from '../../test/support/payloads';
import { dot, mark, ms, out, percentile, sleep, table, waitUntil, type Section } from './support';
import { benchConfig, postJson, SECRET, sendActivity } from './fixtures';

const QUALIFY = { budget: '40k EUR', need: 'Reporting', timeframe: 'Q1', authority: 'yes', rating: 'hot' };

export const crm: Section = {
  name: 'crm',
  title: 'qualify → Dynamics 365 record; 200 qualifications through 10 s of 429',
  standalone: true,
  where: 'a bot of its own in the bench process with CRM=dynamics, local Entra ID and Dataverse stand-ins',
  budgetMs: 4 * 60_000,
  async run(ctx) {
    const entra = await new LocalEntra().start();
    const dataverse = await new LocalDataverse(entra).start();
    const teams = await new LocalTeams().start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-crm-'));
    Object.assign(process.env, entra.environment);
    const app = await createApp(
      benchConfig(dataDir, { CRM: 'dynamics', DYNAMICS_URL: dataverse.url, AZURE_AUTHORITY_HOST: entra.authorityHost }),
      { crm: { identity: identityOptions() } },
    );
    ctx.cleanups.push(async () => {
      await app.stop();
      await teams.stop();
      await dataverse.stop();
      await entra.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    for (const a of teams.installActivities()) await sendActivity(app, a);
    const written = new Map<string, number>();
    dataverse.onLeadWritten = (key) => {
      if (!written.has(key)) written.set(key, performance.now());
    };
    const channel = teams.team.channels[0].id;
    const click = (leadId: string, verb: string, data: Record<string, unknown> = {}) =>
      sendActivity(
        app,
        teams.invokeActivity({
          verb,
          data: { leadId, ...data },
          conversationId: `${channel};messageid=bench`,
          replyToId: 'bench',
          user: seller('Ana'),
        }),
      );

    // 1. qualify → record, one at a time
    const n = ctx.quick ? 10 : 40;
    dot(`  ${n} leads qualified one at a time `);
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const leadId = await claimed(app, click, `lat-${i}`);
      const t0 = performance.now();
      await click(leadId, 'qualify', QUALIFY);
      if (await waitUntil(() => written.has(leadId), 15_000)) latencies.push(written.get(leadId)! - t0);
      dot();
    }
    out();
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    table(['Qualify → Dataverse lead row', 'n', 'p50', 'p99'], [['Lead Desk', latencies.length, ms(p50), ms(p99)]]);

    // 2. 200 qualifications in a minute, 429 for the first 10 s
    const total = ctx.quick ? 50 : 200;
    const spreadMs = ctx.quick ? 15_000 : 60_000;
    dot(`  ${total} leads claimed `);
    const ids: string[] = [];
    for (let i = 0; i < total; i++) ids.push(await claimed(app, click, `burst-${i}`));
    out();
    written.clear();
    const throttledBefore = dataverse.requests.filter((r) => r.status === 429).length;
    dataverse.throttle(10_000, 1);
    const start = performance.now();
    dot(`  ${total} qualifications over ${spreadMs / 1000} s, Dataverse answering 429 for 10 s `);
    for (const [i, id] of ids.entries()) {
      await sleep(start + (i * spreadMs) / total - performance.now());
      await click(id, 'qualify', QUALIFY);
    }
    const all = await waitUntil(() => ids.every((id) => written.has(id)), 120_000);
    const tookMs = Math.max(...ids.map((id) => written.get(id) ?? Number.NaN)) - start;
    out();
    const rows = ids.map((id) => dataverse.leads.get(id));
    const once = rows.every((r) => r && r.writes === 1 && dataverse.notesOf(r).length === 1);
    const throttled = dataverse.requests.filter((r) => r.status === 429).length - throttledBefore;
    const arrived = rows.filter(Boolean).length;
    table(
      ['200 qualifications, 429 for 10 s', 'arrived', 'each once', '429 answers', 'first qualify → last record'],
      [[`${total} in ${spreadMs / 1000} s`, `${arrived}/${total}`, once ? 'yes' : 'no', throttled, ms(tookMs)]],
    );
    ctx.goals.push({
      label: 'crm: all qualifications arrive once through 429s',
      ok: all && once,
      detail: `${arrived}/${total}`,
    });
    ctx.readme.push({
      measure: `Qualify → Dynamics 365 lead row p50 / p99 (${latencies.length} leads, local stand-ins)`,
      result: `${ms(p50)} / ${ms(p99)}`,
      goal: '—',
    });
    ctx.readme.push({
      measure: `${total} qualifications over ${spreadMs / 1000} s, Dataverse answering 429 for the first 10 s`,
      result: `${arrived}/${total} arrived, ${once ? 'each once' : 'NOT each once'}, ${throttled} × 429, last record ${ms(tookMs)} after the first Qualify`,
      goal: `all, once ${mark(all && once)}`,
    });
  },
};

/** A new lead from the webhook, claimed by Ana; its id. */
async function claimed(
  app: App,
  click: (leadId: string, verb: string, data?: Record<string, unknown>) => Promise<number>,
  tag: string,
): Promise<string> {
  const { leadId } = await postJson(`${app.url}/api/leads?code=${SECRET}`, {
    ...contactMePayload,
    UserDetails: { ...contactMePayload.UserDetails, Email: `${tag}-${Date.now()}@fabrikam.example` },
  });
  if (!leadId) throw new Error(`the webhook did not take lead ${tag}`);
  await click(leadId, 'claim');
  return leadId;
}
