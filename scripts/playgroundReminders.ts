/**
 * The reminder story in the Agents Playground's web UI, with short durations (CLAIM_SLA=10s, FIRST_TOUCH_SLA=20s,
 * JOB_INTERVAL=1s): a lead arrives in Sales › General; 10 s later nobody has claimed it and Lead Desk asks in its
 * thread who takes it; Ana claims it; 20 s after that, with no touch logged, her reminder card arrives in her
 * personal chat with Lead Desk; she taps Done. Saves docs/playground-reminder*.png and prints what happened.
 * Run: npx tsx scripts/playgroundReminders.ts   (needs /usr/bin/chromium)
 */
import type { Page } from 'playwright-core';
import { postLead } from '../test/support/harness';
import { contactMePayload } from '../test/support/payloads';
import { playgroundSession, runStory } from './playgroundSession';

async function shot(page: Page, file: string) {
  await page.waitForTimeout(800);
  await page.screenshot({ path: file });
  console.log('saved', file);
}

const SHORT = { CLAIM_SLA: '10s', FIRST_TOUCH_SLA: '20s', NURTURE_CADENCE: '30s,1m,2m', JOB_INTERVAL: '1s' };

runStory(() =>
  playgroundSession(SHORT, async ({ app, page }) => {
    await page
      .getByRole('treeitem', { name: /General/ })
      .first()
      .click();
    await page.waitForTimeout(1500);
    const res = await postLead(app, {
      ...contactMePayload,
      UserDetails: { ...contactMePayload.UserDetails, Email: `reminder-${Date.now()}@example.com` },
    });
    console.log('lead', res.status, res.body.id);
    await page
      .getByText(/Unclaimed for/)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot(page, 'docs/playground-unclaimed.png');
    await page.getByRole('button', { name: 'Claim' }).first().click();
    await page
      .getByText(/Claimed by Ana/)
      .first()
      .waitFor({ timeout: 10_000 });
    const chat = await (async () => {
      for (let i = 0; i < 60; i++) {
        const c = await app.installs.getUserChat('29:ana');
        if (c) return c;
        await page.waitForTimeout(500);
      }
      return undefined;
    })();
    console.log('personal chat', chat?.conversationId ?? 'none (fell back to the thread)');
    const lead = await app.leads.get(res.body.id);
    console.log(
      'lead',
      lead?.status,
      'first-touch reminded',
      lead?.firstTouchRemindedAt ?? '-',
      'events',
      (await app.events.forLead(res.body.id)).map((e) => e.verb).join(','),
    );
    // The personal chat with Lead Desk in the Playground's chat list.
    const personal = page.getByRole('treeitem', { name: /Lead Desk|Personal|Chat/i }).first();
    if (await personal.count()) await personal.click();
    await page
      .getByText(/No first touch logged yet/)
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => console.log('reminder text not visible in this view'));
    await shot(page, 'docs/playground-reminder.png');
    const done = page.getByRole('button', { name: 'Done' }).last();
    if (await done.count()) {
      await done.click();
      await page
        .getByText(/Touch logged/)
        .first()
        .waitFor({ timeout: 10_000 })
        .catch(() => console.log('no "Touch logged" answer visible'));
      await shot(page, 'docs/playground-reminder-done.png');
    }
    const after = await app.leads.get(res.body.id);
    console.log(
      'after',
      after?.status,
      'firstTouchAt',
      after?.firstTouchAt ?? '-',
      'followUp',
      after?.followUp?.kind ?? 'none',
    );
  }),
);
