/**
 * What the Playground story scripts share: a bot (harness `startBot`, silent logs) wired to the Agents Playground,
 * the app installed in team Sales, and a headless Chromium page on the Playground's web UI (outside requests
 * aborted: this machine has no internet). Everything is stopped when `story` ends, failed or not.
 */
import { chromium, type Page } from 'playwright-core';
import type { App } from '../src/main';
import { startBot } from '../test/support/harness';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/cardRenderer';
import { startPlayground, PLAYGROUND_TEAM, type Playground } from '../test/support/playground';

export async function playgroundSession(
  env: Record<string, string>,
  story: (s: { app: App; pg: Playground; page: Page }) => Promise<void>,
  viewport = { width: 1280, height: 900 },
): Promise<void> {
  const app = await startBot({ env: { LOG_LEVEL: 'silent', ...env }, overrides: { jobs: true } });
  const pg = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: 0, watch: false });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await pg.install(PLAYGROUND_TEAM.general.id);
    await new Promise((r) => setTimeout(r, 500));
    const page = await browser.newPage({ viewport });
    await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.abort());
    await page.goto(pg.url);
    await story({ app, pg, page });
  } finally {
    await browser.close();
    await pg.stop();
    await app.stop();
  }
}

/** Runs a story script's main; a failure prints one line and exits 1. */
export function runStory(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error('FAILED', (e as Error).message);
    process.exit(1);
  });
}
