/**
 * Every card template, expanded in every language we speak and rendered by the official adaptivecards renderer with
 * the Teams light host config in headless Chromium on a 360 px phone: no text is cut off (no ellipsis, no text
 * wider than its box) and nothing sticks out of the card. Turkish runs about 30% longer than English, so a label
 * that fits in English may not. Skipped (with a note on stderr) where /usr/bin/chromium is not installed.
 */
import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES, t, type Locale } from '../../../src/i18n';
import { subscriptionCard } from '../../../src/teams/views/cards';
import { errorView } from '../../../src/teams/views/leadViews';
import { cardViews, useCardRenderer, type CardView } from '../../support/cardRenderer';
import { FIXTURE_NOW } from '../../support/leadFixtures';
import { overflows } from '../../support/cardLayout';

/** Every template: the documented views plus the two that have none there (a subscription answer, an error). */
function views(locale: Locale): CardView[] {
  return [
    ...cardViews(FIXTURE_NOW, locale),
    {
      name: 'subscription',
      card: subscriptionCard(
        { title: t(locale, 'command.subscribedTitle'), text: t(locale, 'command.subscribed', { filter: 'x' }) },
        locale,
      ),
    },
    { name: 'error', card: errorView(t(locale, 'error.action.lead-not-found'), locale) },
  ];
}

describe('teams/cards in every language, rendered at 360 px', function () {
  const renderer = useCardRenderer();

  for (const locale of SUPPORTED_LOCALES) {
    for (const view of views(locale)) {
      it(`shows ${view.name} in ${locale} with no text cut off or sticking out of the card`, async () => {
        assert.equal(view.card.lang, locale);
        const page = await renderer().open(view.card, 360);
        if (view.click) await page.getByRole('button', { name: view.click, exact: true }).click();
        const problems = (await page.evaluate(overflows)).map((o) => `${o.what} “${o.text}”: ${o.detail}`);
        await page.close();
        assert.deepEqual(problems, []);
      });
    }
  }

  it('formats card dates in the card language (Turkish month names on a Turkish card)', async () => {
    const lead = cardViews(FIXTURE_NOW, 'tr').find((v) => v.name === 'lead-new')!;
    const page = await renderer().open(lead.card, 360);
    const text = await page.evaluate(() => document.querySelector('.ac-adaptiveCard')?.textContent ?? '');
    await page.close();
    assert.doesNotMatch(text, /\{\{(DATE|TIME)\(/, 'an unformatted DATE/TIME');
    assert.match(text, /Kas|Ara|Pzt|Sal|Çar|Per|Cum|Cmt|Paz/, `no Turkish date in: ${text.slice(-300)}`);
  });
});
