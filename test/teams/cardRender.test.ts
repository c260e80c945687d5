/**
 * The lead card on a phone: rendered by the official adaptivecards renderer with the Teams light host config in
 * headless Chromium at 360 px, a seller sees the whole card without sideways scrolling and can reach Claim.
 * Skipped (with a note on stderr) where /usr/bin/chromium is not installed.
 */
import assert from 'node:assert/strict';
import { leadCard } from '../../src/teams/cards';
import { cardViews, chromiumAvailable, CHROMIUM_PATH, startCardRenderer, type CardRenderer } from '../support/cardRenderer';
import { FIXTURE_NOW, makeLead } from '../support/leadFixtures';

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
  let renderer: CardRenderer | undefined;

  before(async function () {
    if (!chromiumAvailable()) {
      process.stderr.write(`    skipped: no Chromium at ${CHROMIUM_PATH}; install it to run the card rendering tests\n`);
      this.skip();
    }
    renderer = await startCardRenderer();
  });

  after(async () => {
    await renderer?.close();
  });

  it('shows a new lead on a 360 px phone without horizontal scrolling and with Claim inside the screen', async () => {
    const page = await renderer!.open(leadCard(makeLead(), FIXTURE_NOW), 360);
    const layout = await page.evaluate(measure);
    assert.ok(layout.scrollWidth <= layout.clientWidth, `page scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`);
    const claim = layout.buttons.find((b) => b.text === 'Claim');
    assert.ok(claim, `no Claim button among ${JSON.stringify(layout.buttons)}`);
    assert.ok(claim.left >= 0 && claim.right <= layout.innerWidth, `Claim is off screen horizontally: ${JSON.stringify(claim)}`);
    assert.ok(claim.top >= 0 && claim.bottom <= layout.innerHeight, `Claim is below the first screen: ${JSON.stringify(claim)}`);
    await page.close();
  });

  it('sends verb claim with the lead id when the seller taps Claim', async () => {
    const lead = makeLead();
    const page = await renderer!.open(leadCard(lead, FIXTURE_NOW), 360);
    await page.getByRole('button', { name: 'Claim' }).click();
    const actions = await page.evaluate(() => (window as unknown as { __actions: unknown[] }).__actions);
    assert.deepEqual(actions, [{ type: 'Action.Execute', verb: 'claim', data: { leadId: lead.id } }]);
    await page.close();
  });

  it('fits every documented card view into a 360 px phone width', async () => {
    for (const view of cardViews()) {
      const page = await renderer!.open(view.card, 360);
      const layout = await page.evaluate(measure);
      assert.ok(layout.scrollWidth <= layout.clientWidth, `${view.name} scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`);
      await page.close();
    }
  });
});
