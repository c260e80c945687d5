/**
 * The seller's story in the Agents Playground's web UI, driven in headless Chromium like a person would:
 * a lead arrives in Sales › General, Ana taps Claim, everyone's card says "Claimed by Ana", Ana taps My actions,
 * opens Qualify, fills in BANT + rating and saves. Prints what the store holds and saves docs/playground-*.png.
 * Run: npx tsx scripts/playgroundStory.ts   (needs /usr/bin/chromium)
 */
import { postLead } from '../test/support/harness';
import { contactMePayload } from '../test/support/payloads';
import { playgroundSession, runStory } from './playgroundSession';

runStory(() =>
  playgroundSession({}, async ({ app, page }) => {
    await page
      .getByRole('treeitem', { name: /General/ })
      .first()
      .click();
    await page.waitForTimeout(1500);
    const res = await postLead(app, contactMePayload);
    console.log('lead', res.status, res.body.id);
    await page.waitForTimeout(1500);
    const claim = page.getByRole('button', { name: 'Claim' }).first();
    await claim.waitFor({ timeout: 15000 });
    await claim.click();
    await page
      .getByText(/Claimed by Ana/)
      .first()
      .waitFor({ timeout: 10000 });
    await page.waitForTimeout(800);
    await page.screenshot({ path: 'docs/playground-claimed.png' });
    const lead = await app.leads.get(res.body.id);
    console.log('status', lead?.status, 'owner', lead?.owner?.name);
    await page.getByRole('button', { name: 'My actions' }).first().click();
    await page.getByRole('button', { name: 'Qualify' }).first().waitFor({ timeout: 10000 });
    await page.getByRole('button', { name: 'Qualify' }).first().click();
    await page.waitForTimeout(500);
    await page.getByLabel('Budget').first().fill('40k EUR a year');
    await page.getByLabel('Need').first().fill('Pipeline visibility for 40 sellers');
    await page.getByLabel('Timeframe').first().fill('This quarter');
    const rating = page.getByRole('combobox', { name: /Rating/ }).first();
    if (await rating.count()) await rating.selectOption('hot');
    else await page.getByRole('radio', { name: /Hot/ }).first().check();
    await page.getByRole('button', { name: 'Save qualification' }).first().click();
    await page
      .getByText(/Qualified by Ana/)
      .first()
      .waitFor({ timeout: 10000 });
    await page.waitForTimeout(800);
    await page.screenshot({ path: 'docs/playground-qualified.png' });
    const after = await app.leads.get(res.body.id);
    console.log(
      'after qualify',
      after?.status,
      after?.qualification?.rating,
      after?.score,
      (await app.events.forLead(res.body.id)).map((e) => e.verb).join(','),
    );
  }),
);
