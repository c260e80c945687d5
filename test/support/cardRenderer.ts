/**
 * Renders expanded Adaptive Cards the way the Teams client lays them out: the official adaptivecards renderer with
 * the Teams light host config and container CSS (vendored in ./teams-host), in headless Chromium, served from a
 * throwaway http server on 127.0.0.1. Every request that leaves 127.0.0.1 is aborted. Used by
 * scripts/renderCards.ts (PNGs for docs/cards) and, through `useCardRenderer`, by the layout checks in
 * test/teams/views/cardRender.test.ts and localizedRender.test.ts.
 * No Segoe UI here, so use it for layout, not for pixel-exact comparisons.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { leadCard, testLeadCard, welcomeCard, type AdaptiveCard } from '../../src/teams/views/cards';
import { historyView, ownerView, refusalView } from '../../src/teams/views/leadViews';
import { reminderCard } from '../../src/teams/views/reminderViews';
import { pipelineCard } from '../../src/teams/views/pipelineViews';
import { eraseConfirmCard, erasedCard } from '../../src/teams/views/privacyViews';
import { erasePersonalData } from '../../src/leads/erasure';
import { entryOf, summarize } from '../../src/leads/pipeline';
import { rangeOf } from '../../src/leads/ranges';
import type { Lead } from '../../src/leads/lead';
import { t, type Locale } from '../../src/i18n';
import { verbNotice } from '../../src/teams/views/leadViews';
import {
  ANA,
  FIXTURE_NOW,
  TEAM,
  claimedByAna,
  makeLead,
  nurtureEvents,
  nurturingWithTouches,
  qualifiedLead,
} from './leadFixtures';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A common phone viewport height; the narrow width is the one the views are checked at. */
export const PHONE_HEIGHT = 740;
const WIDTHS = [360, 600] as const;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

const ROOT = path.resolve(__dirname, '../..');
const ASSETS: Record<string, { file: string; type: string }> = {
  '/adaptivecards.min.js': {
    file: path.join(ROOT, 'node_modules/adaptivecards/dist/adaptivecards.min.js'),
    type: 'text/javascript',
  },
  '/host-config.json': {
    file: path.join(__dirname, 'teams-host/microsoft-teams-light.json'),
    type: 'application/json',
  },
  '/teams.css': { file: path.join(__dirname, 'teams-host/teams-container-light.css'), type: 'text/css' },
};

// The card sits in a Teams-like message bubble with 8 px of chat margin each side. Markdown: the subset Teams
// renders in TextBlocks and facts (bold, italic, links), HTML-escaped first.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/teams.css">
<style>
  html, body { margin: 0; background: #f5f5f5; }
  #frame { padding: 8px; }
  #card { background: #fff; overflow: hidden; }
</style>
<script src="/adaptivecards.min.js"></script>
</head><body><div id="frame"><div id="card" class="teams-card"></div></div>
<script>
  window.__actions = [];
  function markdown(text) {
    const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return esc
      .replace(/\\[([^\\]]+)\\]\\(([^)\\s]+)\\)/g, '<a href="$2">$1</a>')
      .replace(/\\*\\*([^*]+)\\*\\*/g, '<strong>$1</strong>')
      .replace(/(^|\\s)_([^_]+)_(?=\\s|$)/g, '$1<em>$2</em>');
  }
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => { result.outputHtml = markdown(text); result.didProcess = true; };
  window.renderCard = async (json) => {
    const hostConfig = await (await fetch('/host-config.json')).json();
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
    card.onExecuteAction = (a) => window.__actions.push({ type: a.getJsonTypeName(), verb: a.verb, data: a.data });
    const ctx = new AdaptiveCards.SerializationContext();
    ctx.targetVersion = AdaptiveCards.Versions.v1_5;
    // adaptivecards 3.0.x: the lang pattern has the g flag, so its lastIndex must be reset (cardLint.ts).
    AdaptiveCards.CardElement.langProperty.regEx.lastIndex = 0;
    card.parse(json, ctx);
    const el = card.render();
    if (!el) throw new Error('the card did not render');
    document.getElementById('card').replaceChildren(el);
  };
</script></body></html>`;

function startServer(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0];
    if (urlPath === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE); // not chained: restify patches writeHead process-wide to return undefined
      return;
    }
    const asset = ASSETS[urlPath];
    if (!asset) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': asset.type });
    fs.createReadStream(asset.file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    );
  });
}

export interface CardRenderer {
  /** A new page `width` px wide (phone height) showing the card; closed by `close()`. */
  open(card: AdaptiveCard, width: number): Promise<Page>;
  /** Renders and writes a PNG of the message bubble (the whole card, however tall), after tapping `click` if given. */
  screenshot(card: AdaptiveCard, width: number, file: string, click?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCardRenderer(): Promise<CardRenderer> {
  const { server, url } = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (err) {
    await new Promise((r) => server.close(r));
    throw err;
  }
  const pages: Page[] = [];
  const b = browser;

  async function open(card: AdaptiveCard, width: number): Promise<Page> {
    const page = await b.newPage({ viewport: { width, height: PHONE_HEIGHT } });
    pages.push(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.abort());
    await page.goto(url);
    await page.evaluate(
      (json) => (window as unknown as { renderCard(j: unknown): Promise<void> }).renderCard(json),
      card,
    );
    if (errors.length) throw new Error(`card page error: ${errors.join('; ')}`);
    return page;
  }

  return {
    open,
    async screenshot(card, width, file, click) {
      const page = await open(card, width);
      if (click) await page.getByRole('button', { name: click, exact: true }).click();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.locator('#frame').screenshot({ path: file });
      await page.close();
    },
    async close() {
      await Promise.allSettled(pages.map((p) => p.close()));
      await b.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Call inside a mocha `describe`: one renderer for its tests, closed after them; the tests are skipped (with a note
 * on stderr) where Chromium is not installed. The getter answers the renderer once `before` has run.
 */
export function useCardRenderer(): () => CardRenderer {
  let renderer: CardRenderer | undefined;
  before(async function () {
    if (!chromiumAvailable()) {
      process.stderr.write(
        `    skipped: no Chromium at ${CHROMIUM_PATH}; install it to run the card rendering tests\n`,
      );
      this.skip();
    }
    renderer = await startCardRenderer();
  });
  after(async () => {
    await renderer?.close();
  });
  return () => renderer!;
}

export interface CardView {
  name: string;
  card: AdaptiveCard;
  /** A button to tap before looking (opens a ShowCard form). */
  click?: string;
}

/** The views documented in docs/cards: one per thing a seller, an owner or a manager sees, in `locale`. */
export function cardViews(now: Date = FIXTURE_NOW, locale: Locale = 'en'): CardView[] {
  const claimed = claimedByAna();
  const word = (key: string) => t(locale, `card.${key}`);
  return [
    { name: 'lead-new', card: leadCard(makeLead(), now, [], locale) },
    {
      name: 'lead-claimed',
      card: leadCard(
        makeLead({ status: 'claimed', owner: ANA, claimedAt: now.toISOString(), rev: 2 }),
        now,
        [],
        locale,
      ),
    },
    {
      name: 'lead-dnc',
      card: leadCard(
        makeLead({
          doNotContact: true,
          rating: 'cold',
          description: undefined,
          source: { ...makeLead().source, actionCode: 'DNC', action: 'do-not-contact' },
        }),
        now,
        [],
        locale,
      ),
    },
    { name: 'test-lead', card: testLeadCard(makeLead({ isTest: true, rating: 'cold' }), now, locale) },
    {
      name: 'welcome',
      card: welcomeCard({ channelName: 'General', filter: { storefronts: ['appsource', 'azure'] } }, locale),
    },
    {
      name: 'owner-claimed',
      card: ownerView(claimed, { now, role: 'owner', notice: verbNotice(locale, 'claim'), locale }),
    },
    { name: 'owner-qualify-form', card: ownerView(claimed, { now, role: 'owner', locale }), click: word('qualify') },
    { name: 'owner-reject-form', card: ownerView(claimed, { now, role: 'owner', locale }), click: word('reject') },
    {
      name: 'owner-nurture-form',
      card: ownerView(claimed, { now, role: 'owner', locale }),
      click: word('nurture'),
    },
    {
      name: 'owner-nurturing-touch-form',
      card: ownerView(nurturingWithTouches(), { now, role: 'owner', locale }),
      click: word('logTouch'),
    },
    {
      name: 'manager-claimed-reassign-form',
      card: ownerView(claimed, { now, role: 'manager', members: TEAM, locale }),
      click: word('reassign'),
    },
    { name: 'manager-qualified', card: ownerView(qualifiedLead(), { now, role: 'manager', members: TEAM, locale }) },
    {
      name: 'refusal',
      card: refusalView(claimed, now, t(locale, 'error.lead.already-claimed', { owner: 'Ana Souza' }), locale),
    },
    { name: 'history', card: historyView(nurturingWithTouches(), now, nurtureEvents(claimed.id), locale) },
    ...reminderViews(locale),
    { name: 'pipeline', card: pipelineFixtureCard(now, locale) },
    ...privacyViews(now, locale),
  ];
}

/** A lead after its person's data was erased (shared and manager's view), and the `erase <email>` cards. */
export function privacyViews(now: Date = FIXTURE_NOW, locale: Locale = 'en'): CardView[] {
  const erased = qualifiedLead();
  erasePersonalData(erased, now.toISOString());
  return [
    { name: 'lead-erased', card: leadCard(erased, now, [], locale) },
    { name: 'manager-erased', card: ownerView(erased, { now, role: 'manager', members: TEAM, locale }) },
    { name: 'erase-confirm', card: eraseConfirmCard('jamie.mueller@fabrikam.example', 2, locale) },
    { name: 'erase-done', card: erasedCard({ leads: 2, events: 3 }, locale) },
  ];
}

/** A manager's "pipeline this week" card on a small, varied pipeline. */
export function pipelineFixtureCard(now: Date = FIXTURE_NOW, locale: Locale = 'en'): AdaptiveCard {
  const leads: Lead[] = [
    makeLead({ id: 'L-p1', rating: 'hot' }),
    makeLead({ id: 'L-p2', rating: 'warm' }),
    claimedByAna({ id: 'L-p3' }),
    claimedByAna({ id: 'L-p4', status: 'qualified', qualification: { rating: 'hot' } }),
    claimedByAna({
      id: 'L-p5',
      status: 'rejected',
      rejection: { reason: 'no-budget' },
      source: { ...makeLead().source, storefront: 'AzureMarketplace', offer: 'fabrikam.vm', offerTitle: 'Fabrikam VM' },
    }),
    nurturingWithTouches(),
  ];
  const range = rangeOf('this-week', now, 'UTC');
  const filter = { from: range.from, to: range.to };
  const summary = summarize(leads.map(entryOf), {}, new Date(now.getTime() + 3_600_000), 15 * 60_000);
  return pipelineCard({ range, filter, summary }, leads, { locale, zone: 'UTC' });
}

/** The owner's reminder in her personal chat: one lead (with its forms), and a digest of three. */
export function reminderViews(locale: Locale = 'en'): CardView[] {
  const posted = (lead: Lead): Lead => ({
    ...lead,
    delivery: {
      ...lead.delivery,
      targets: [
        {
          channelKey: 'channel:19:sales',
          channelId: '19:sales@thread.tacv2',
          serviceUrl: 'https://smba.example/',
          tenantId: 'tenant-1',
          threadId: '19:sales@thread.tacv2;messageid=17001',
          activityId: '17001',
        },
      ],
    },
  });
  const nurturing = posted(nurturingWithTouches());
  const fresh = posted(
    claimedByAna({
      id: 'L-reminder-2',
      contact: { firstName: 'Jonas', lastName: 'Berg', company: 'Nordlicht GmbH', email: 'jonas@example.com' },
    }),
  );
  const third = posted(
    claimedByAna({ id: 'L-reminder-3', contact: { firstName: 'Priya', lastName: 'Nair', company: 'Kestrel Labs' } }),
  );
  return [
    {
      name: 'reminder-nurture',
      card: reminderCard([{ lead: nurturing, kind: 'nurture' }], undefined, undefined, locale),
    },
    {
      name: 'reminder-nurture-reject-form',
      card: reminderCard([{ lead: nurturing, kind: 'nurture' }], undefined, undefined, locale),
      click: t(locale, 'card.reject'),
    },
    {
      name: 'reminder-digest',
      card: reminderCard(
        [
          { lead: fresh, kind: 'first-touch' },
          { lead: nurturing, kind: 'nurture' },
          { lead: third, kind: 'first-touch' },
        ],
        undefined,
        undefined,
        locale,
      ),
    },
    {
      name: 'reminder-after-done',
      card: reminderCard(
        [{ lead: { ...nurturing, followUp: { kind: 'nurture', dueAt: '2026-12-05T09:00:00.000Z' } } }],
        verbNotice(locale, 'touch'),
        undefined,
        locale,
      ),
    },
  ];
}

/** Writes `<view>-<width>.png` for every view at 360 and 600 px; returns the files written. */
export async function renderCardsToPng(outDir: string): Promise<string[]> {
  const renderer = await startCardRenderer();
  const written: string[] = [];
  try {
    for (const view of cardViews()) {
      for (const width of WIDTHS) {
        const file = path.join(outDir, `${view.name}-${width}.png`);
        await renderer.screenshot(view.card, width, file, view.click);
        written.push(file);
      }
    }
  } finally {
    await renderer.close();
  }
  return written;
}
