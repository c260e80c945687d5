/**
 * The manager's story in the Agents Playground's web UI: a few leads arrive and one is claimed and qualified; Ana,
 * configured as a manager (MANAGER_IDS=29:ana), types "pipeline this week" in her personal chat with Lead Desk and
 * gets the summary card. Saves docs/playground-pipeline.png. Run: npx tsx scripts/playgroundPipeline.ts
 */
import { chromium } from 'playwright-core';
import { startBot, postLead } from '../test/support/harness';
import { startPlayground, PLAYGROUND_TEAM } from '../test/support/playground';
import { contactMePayload, freeTrialPayload } from '../test/support/payloads';
import { decide } from '../src/leads/lifecycle';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

(async () => {
  const app = await startBot({ env: { LOG_LEVEL: 'silent', MANAGER_IDS: '29:ana' } });
  const pg = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0, watch: false });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    await pg.install(PLAYGROUND_TEAM.general.id);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const base = i % 2 ? freeTrialPayload : contactMePayload;
      const res = await postLead(app, { ...base, UserDetails: { ...(base.UserDetails as object), Email: `pipeline-${i}-${Date.now()}@example.com` } });
      ids.push(res.body.id);
    }
    const ana = { id: '29:ana', name: 'Ana Souza' };
    const now = () => new Date();
    for (const [id, steps] of [[ids[0], ['claim', 'qualify']], [ids[1], ['claim']], [ids[2], ['claim', 'reject']]] as const) {
      for (const verb of steps) {
        const command = verb === 'qualify' ? { verb, qualification: { rating: 'hot' as const } } : verb === 'reject' ? { verb, reason: 'no-budget' } : { verb };
        await app.leads.update(id, (l) => {
          const d = decide(l, command as never, ana, 'manager', now());
          return d.ok ? { lead: d.lead, result: true } : { result: false };
        });
      }
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.abort());
    await page.goto(pg.url);
    await page.getByRole('treeitem', { name: /Personal Chat/ }).first().click();
    await page.waitForTimeout(800);
    const box = page.getByRole('textbox').last();
    await box.fill('pipeline this week');
    await box.press('Enter');
    await page.getByText(/Pipeline · This week/).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: 'docs/playground-pipeline.png' });
    console.log('saved docs/playground-pipeline.png');
  } finally {
    await browser.close();
    await pg.stop();
    await app.stop();
  }
})().catch((e) => {
  console.error('FAILED', e.message);
  process.exit(1);
});
