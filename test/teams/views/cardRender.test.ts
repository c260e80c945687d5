/**
 * The lead card on a phone: rendered by the official adaptivecards renderer with the Teams light host config in
 * headless Chromium at 360 px, a seller sees the whole card without sideways scrolling and can reach Claim.
 * Skipped (with a note on stderr) where /usr/bin/chromium is not installed.
 */
import assert from 'node:assert/strict';
import { leadCard } from '../../../src/teams/views/cards';
import { ownerView } from '../../../src/teams/views/leadViews';
import { cardViews, useCardRenderer } from '../../support/cardRenderer';
import { FIXTURE_NOW, MAYA, TEAM, claimedByAna, makeLead } from '../../support/leadFixtures';

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  innerWidth: number;
  innerHeight: number;
  buttons: { text: string; left: number; right: number; top: number; bottom: number }[];
}

/** Runs in the page: horizontal overflow and where each button is. No named inner functions (tsx adds helpers). */
const measure = (): Layout => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
  buttons: Array.from(document.querySelectorAll('button')).map((b) => {
    const r = b.getBoundingClientRect();
    return { text: (b.textContent ?? '').trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }),
});

describe('teams/cards rendered in Chromium', function () {
  const renderer = useCardRenderer();

  it('shows a new lead on a 360 px phone without horizontal scrolling and with Claim inside the screen', async () => {
    const page = await renderer().open(leadCard(makeLead(), FIXTURE_NOW), 360);
    const layout = await page.evaluate(measure);
    assert.ok(
      layout.scrollWidth <= layout.clientWidth,
      `page scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`,
    );
    const claim = layout.buttons.find((b) => b.text === 'Claim');
    assert.ok(claim, `no Claim button among ${JSON.stringify(layout.buttons)}`);
    assert.ok(
      claim.left >= 0 && claim.right <= layout.innerWidth,
      `Claim is off screen horizontally: ${JSON.stringify(claim)}`,
    );
    assert.ok(
      claim.top >= 0 && claim.bottom <= layout.innerHeight,
      `Claim is below the first screen: ${JSON.stringify(claim)}`,
    );
    await page.close();
  });

  it('sends verb claim with the lead id when the seller taps Claim', async () => {
    const lead = makeLead();
    const page = await renderer().open(leadCard(lead, FIXTURE_NOW), 360);
    await page.getByRole('button', { name: 'Claim' }).click();
    const actions = await page.evaluate(() => (window as unknown as { __actions: unknown[] }).__actions);
    assert.deepEqual(actions, [{ type: 'Action.Execute', verb: 'claim', data: { leadId: lead.id } }]);
    await page.close();
  });

  it('fits every documented card view, forms opened, into a 360 px phone width with every button on screen', async () => {
    for (const view of cardViews()) {
      const page = await renderer().open(view.card, 360);
      if (view.click) await page.getByRole('button', { name: view.click, exact: true }).click();
      const layout = await page.evaluate(measure);
      assert.ok(
        layout.scrollWidth <= layout.clientWidth,
        `${view.name} scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`,
      );
      for (const b of layout.buttons.filter((x) => x.right > x.left)) {
        assert.ok(
          b.left >= 0 && b.right <= layout.innerWidth,
          `${view.name}: ${b.text} is off screen: ${JSON.stringify(b)}`,
        );
      }
      await page.close();
    }
  });

  it("shows the owner every button in full (nothing cut off or dropped past Teams' 6 per row) on a 360 px phone", async () => {
    const cards = [
      ownerView(claimedByAna(), { now: FIXTURE_NOW, role: 'owner' }),
      ownerView(claimedByAna({ owner: MAYA }), { now: FIXTURE_NOW, role: 'manager', members: TEAM, viewerId: MAYA.id }),
    ];
    for (const card of cards) {
      const page = await renderer().open(card, 360);
      const seen = await page.evaluate(() =>
        Array.from(document.querySelectorAll('button'))
          .filter((b) => b.getBoundingClientRect().width > 0)
          .map((b) => ({
            text: (b.textContent ?? '').trim(),
            full: b.scrollWidth <= b.clientWidth + 1,
            top: Math.round(b.getBoundingClientRect().top),
          })),
      );
      for (const title of ['Qualify', 'Reject', 'Nurture', 'Log touch', 'Release', 'History']) {
        const b = seen.find((x) => x.text === title);
        assert.ok(b, `${title} is not rendered: ${JSON.stringify(seen)}`);
        assert.ok(b.full, `${title} is cut off: ${JSON.stringify(b)}`);
      }
      const perRow = new Map<number, number>();
      for (const b of seen) perRow.set(b.top, (perRow.get(b.top) ?? 0) + 1);
      assert.ok(
        [...perRow.values()].every((n) => n <= 3),
        `more than 3 buttons in a row: ${JSON.stringify(seen)}`,
      );
      await page.close();
    }
  });

  it('opens the Qualify form in place and sends verb qualify with the lead id and the typed inputs', async () => {
    const lead = claimedByAna();
    const page = await renderer().open(ownerView(lead, { now: FIXTURE_NOW, role: 'owner' }), 360);
    await page.getByRole('button', { name: 'Qualify', exact: true }).click();
    await page.getByRole('textbox', { name: 'Budget' }).fill('40k EUR');
    await page.getByRole('radio', { name: 'Warm' }).check();
    await page.getByRole('button', { name: 'Save qualification' }).click();
    const actions = await page.evaluate(
      () => (window as unknown as { __actions: { verb: string; data: Record<string, unknown> }[] }).__actions,
    );
    assert.equal(actions.length, 1);
    assert.equal(actions[0].verb, 'qualify');
    assert.equal(actions[0].data.leadId, lead.id);
    assert.equal(actions[0].data.budget, '40k EUR');
    assert.equal(actions[0].data.rating, 'warm');
    await page.close();
  });
});
