/**
 * The manager's story in the Agents Playground's web UI: a few leads arrive and one is claimed and qualified; Ana,
 * configured as a manager (MANAGER_IDS=29:ana), types "pipeline this week" in her personal chat with Lead Desk and
 * gets the summary card. Saves docs/playground-pipeline.png. Run: npx tsx scripts/playgroundPipeline.ts
 */
import { postLead } from '../test/support/harness';
import { contactMePayload, freeTrialPayload } from '../test/support/payloads';
import { decide } from '../src/leads/lifecycle';
import { playgroundSession, runStory } from './playgroundSession';

runStory(() =>
  playgroundSession(
    { MANAGER_IDS: '29:ana' },
    async ({ app, page }) => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const base = i % 2 ? freeTrialPayload : contactMePayload;
        const res = await postLead(app, {
          ...base,
          UserDetails: { ...(base.UserDetails as object), Email: `pipeline-${i}-${Date.now()}@example.com` },
        });
        ids.push(res.body.id);
      }
      const ana = { id: '29:ana', name: 'Ana Souza' };
      const now = () => new Date();
      for (const [id, steps] of [
        [ids[0], ['claim', 'qualify']],
        [ids[1], ['claim']],
        [ids[2], ['claim', 'reject']],
      ] as const) {
        for (const verb of steps) {
          const command =
            verb === 'qualify'
              ? { verb, qualification: { rating: 'hot' as const } }
              : verb === 'reject'
                ? { verb, reason: 'no-budget' }
                : { verb };
          await app.leads.update(id, (l) => {
            const d = decide(l, command as never, ana, 'manager', now());
            return d.ok ? { lead: d.lead, result: true } : { result: false };
          });
        }
      }
      await page
        .getByRole('treeitem', { name: /Personal Chat/ })
        .first()
        .click();
      await page.waitForTimeout(800);
      const box = page.getByRole('textbox').last();
      await box.fill('pipeline this week');
      await box.press('Enter');
      await page
        .getByText(/Pipeline · This week/)
        .first()
        .waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await page.screenshot({ path: 'docs/playground-pipeline.png' });
      console.log('saved docs/playground-pipeline.png');
    },
    { width: 1280, height: 1100 },
  ),
);
