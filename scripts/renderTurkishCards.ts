/**
 * Screenshots of the Turkish lead card, owner view, reminder and pipeline card at phone width (360 px) into
 * docs/screenshots/tr-*.png, rendered like scripts/renderCards.ts. Run: npx tsx scripts/renderTurkishCards.ts
 */
import path from 'node:path';
import { cardViews, chromiumAvailable, CHROMIUM_PATH, startCardRenderer } from '../test/support/cardRenderer';

const SHOWN: Record<string, string> = {
  'lead-new': 'tr-lead',
  'owner-claimed': 'tr-owner-view',
  'owner-qualify-form': 'tr-owner-qualify-form',
  'reminder-nurture': 'tr-reminder',
  pipeline: 'tr-pipeline',
};

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    process.stderr.write(`Chromium not found at ${CHROMIUM_PATH}; install it (apt-get install chromium) and rerun.\n`);
    process.exitCode = 1;
    return;
  }
  const outDir = path.resolve(__dirname, '../docs/screenshots');
  const renderer = await startCardRenderer();
  try {
    for (const view of cardViews(undefined, 'tr').filter((v) => SHOWN[v.name])) {
      const file = path.join(outDir, `${SHOWN[view.name]}.png`);
      await renderer.screenshot(view.card, 360, file, view.click);
      process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
    }
  } finally {
    await renderer.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
