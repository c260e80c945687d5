/**
 * The pages the Teams app manifest links to: someone who opens Lead Desk's privacy statement or terms of use from
 * the Teams store entry gets a readable English page from the bot itself (src/http/legalPages.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { App } from '../../src/main';
import { fillManifest } from '../../scripts/manifestCheck';
import { TEMPLATE_PATH } from '../../scripts/package';
import { startBot } from '../support/harness';

describe('the privacy and terms pages', () => {
  let app: App;
  before(async () => {
    app = await startBot({ overrides: { jobs: false } });
  });
  after(async () => {
    await app.stop();
  });

  it("the manifest's website, privacy and terms links open pages the bot serves", async () => {
    const manifest = fillManifest(readFileSync(TEMPLATE_PATH, 'utf8'), {
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
      BOT_DOMAIN: 'leaddesk.contoso.com',
    }) as { developer: Record<string, string> };
    const { websiteUrl, privacyUrl, termsOfUseUrl } = manifest.developer;
    const expected: [string, RegExp][] = [
      [websiteUrl, /<h1>Lead Desk<\/h1>/],
      [privacyUrl, /<h1>Privacy statement<\/h1>[\s\S]*What Lead Desk stores/],
      [termsOfUseUrl, /<h1>Terms of use<\/h1>/],
    ];
    for (const [link, heading] of expected) {
      const route = new URL(link).pathname;
      const res = await fetch(`${app.url}${route}`);
      assert.equal(res.status, 200, route);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', route);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await res.text();
      assert.match(html, /^<!doctype html>\n<html lang="en">/);
      assert.match(html, heading);
      assert.doesNotMatch(html, /<script/i);
    }
  });

  it('a page that is not there is still a 404', async () => {
    const res = await fetch(`${app.url}/privacy-old`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  });
});
