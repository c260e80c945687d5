/**
 * Screenshots of every card view at phone (360 px) and desktop (600 px) width into docs/cards/, rendered with the
 * official Teams host config in headless Chromium (/usr/bin/chromium). Run: npx tsx scripts/renderCards.ts
 */
import path from 'node:path';
import { chromiumAvailable, CHROMIUM_PATH, renderCardsToPng } from '../test/support/cardRenderer';

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    process.stderr.write(`Chromium not found at ${CHROMIUM_PATH}; install it (apt-get install chromium) and rerun.\n`);
    process.exitCode = 1;
    return;
  }
  const outDir = path.resolve(__dirname, '../docs/cards');
  const files = await renderCardsToPng(outDir);
  process.stdout.write(`${files.map((f) => path.relative(process.cwd(), f)).join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
