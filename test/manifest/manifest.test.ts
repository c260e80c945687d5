/**
 * The Teams app package: a manifest Teams would refuse costs a round trip through the admin centre, so the
 * template is filled and checked here against the official schema (bundled, offline) and our own rules, and
 * the checks themselves are shown to fail on a broken copy.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { PNG } from 'pngjs';
import { COMMANDS, manifestCommand } from '../../src/teams/commands/commandList';
import { checkManifest, fillManifest } from '../../scripts/manifestCheck';
import { buildAppPackage, ManifestInvalidError, MANIFEST_DIR, TEMPLATE_PATH, varsFromEnv } from '../../scripts/package';

// ---------------------------------------------------------------------------------------------------------
// Builders

const APP_ID = '3f2b8c1e-7a4d-4e2b-9c61-0d5e8f7a1b23';
const DOMAIN = 'leaddesk.contoso.com';

function template(): string {
  return readFileSync(TEMPLATE_PATH, 'utf8');
}

type Json = Record<string, any>;

function makeManifest(vars: Record<string, string> = { MICROSOFT_APP_ID: APP_ID, BOT_DOMAIN: DOMAIN }): Json {
  return fillManifest(template(), vars) as Json;
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'leaddesk-manifest-'));
}

function readPng(file: string): PNG {
  return PNG.sync.read(readFileSync(path.join(MANIFEST_DIR, file)));
}

// ---------------------------------------------------------------------------------------------------------
// The filled template

describe('manifest template', () => {
  it('validates with zero errors against the official schema once filled with a GUID and a domain', async () => {
    assert.deepEqual(await checkManifest(makeManifest(), MANIFEST_DIR), []);
  });

  it('uses a bundled schema of version 1.22 or later', () => {
    const m = makeManifest();
    const [major, minor] = String(m.manifestVersion).split('.').map(Number);
    assert.ok(major! > 1 || minor! >= 22, `manifestVersion ${m.manifestVersion}`);
    assert.equal(
      m.$schema,
      `https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('puts the app id in id and botId and the domain in every URL and in validDomains', () => {
    const m = makeManifest();
    assert.equal(m.id, APP_ID);
    assert.equal(m.bots[0].botId, APP_ID);
    assert.deepEqual(m.validDomains, [DOMAIN]);
    for (const url of [
      m.developer.websiteUrl,
      m.developer.privacyUrl,
      m.developer.termsOfUseUrl,
      m.staticTabs[0].contentUrl,
    ]) {
      assert.ok(String(url).startsWith(`https://${DOMAIN}/`), url);
    }
    assert.equal(m.staticTabs[0].contentUrl, `https://${DOMAIN}/tab/index.html`);
  });

  it('defaults the version to 1.0.0 and takes APP_VERSION when given', () => {
    assert.equal(makeManifest().version, '1.0.0');
    assert.equal(makeManifest({ MICROSOFT_APP_ID: APP_ID, BOT_DOMAIN: DOMAIN, APP_VERSION: '2.3.4' }).version, '2.3.4');
  });

  it('declares an interactive bot for teams, personal chats and group chats', () => {
    const bot = makeManifest().bots[0];
    assert.deepEqual(bot.scopes, ['team', 'personal', 'groupChat']);
    assert.equal(bot.isNotificationOnly, false);
    assert.equal(bot.supportsFiles, false);
  });

  it('lists exactly the commands of src/teams/commands/commandList.ts for the team and personal scopes', () => {
    const lists = makeManifest().bots[0].commandLists;
    assert.deepEqual(
      lists.map((l: Json) => l.scopes),
      [['team'], ['personal']],
    );
    for (const list of lists) assert.deepEqual(list.commands, COMMANDS.map(manifestCommand));
  });
});

// ---------------------------------------------------------------------------------------------------------
// The checks can fail

describe('checkManifest', () => {
  it('rejects a copy with a bad id, a name that is too long and an extra property, naming each', async () => {
    const broken = makeManifest();
    broken.id = 'not-a-guid';
    broken.name.short = 'Lead Desk for Marketplace Sales Teams';
    broken.bogus = true;
    const errors = await checkManifest(broken, MANIFEST_DIR);
    const has = (re: RegExp) =>
      assert.ok(
        errors.some((e) => re.test(e)),
        `expected ${re} in:\n${errors.join('\n')}`,
      );
    has(/^\/id must match pattern/);
    has(/^\/name\/short must NOT have more than 30 characters/);
    has(/must NOT have additional properties.*"bogus"/);
    has(/^name\.short: expected at most 30 characters, got 37$/);
  });

  it('reports a placeholder that was not filled', async () => {
    const errors = await checkManifest(makeManifest({ MICROSOFT_APP_ID: APP_ID }), MANIFEST_DIR);
    assert.ok(
      errors.includes('placeholder ${{BOT_DOMAIN}} was not filled: pass a value for BOT_DOMAIN'),
      errors.join('\n'),
    );
  });

  it('refuses a schema URL it would have to download', async () => {
    const m = makeManifest();
    m.$schema = 'https://example.com/teams.schema.json';
    const errors = await checkManifest(m, MANIFEST_DIR);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^\$schema: expected https:\/\/developer\.microsoft\.com/);
  });

  it('reports more than 10 commands in one list', async () => {
    const m = makeManifest();
    m.bots[0].commandLists[0].commands = Array.from({ length: 11 }, (_, i) => ({ title: `c${i}`, description: 'x' }));
    const errors = await checkManifest(m, MANIFEST_DIR);
    assert.ok(errors.includes('bots[0].commandLists[0]: expected at most 10 commands, got 11'), errors.join('\n'));
  });

  it('reports icons that are missing or of the wrong size or kind', async () => {
    const dir = tempDir();
    try {
      // color.png is 192×192 and not white-on-transparent: wrong for the outline slot.
      copyFileSync(path.join(MANIFEST_DIR, 'color.png'), path.join(dir, 'outline.png'));
      const errors = await checkManifest(makeManifest(), dir);
      assert.ok(errors.includes(`icons.color: ${path.join(dir, 'color.png')} does not exist`), errors.join('\n'));
      assert.ok(errors.includes('icons.outline: expected 32×32 pixels, got 192×192'), errors.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Icons

describe('icons', () => {
  it('has a 192×192 colour icon and a 32×32 outline icon', () => {
    const color = readPng('color.png');
    const outline = readPng('outline.png');
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
  });

  it('has an outline icon drawn in white on a transparent background', () => {
    const { data } = readPng('outline.png');
    let transparent = 0;
    let white = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) transparent++;
      else if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) white++;
    }
    assert.ok(data[3] === 0, 'the top-left corner is transparent');
    assert.ok(transparent > 0 && white > 0);
    assert.equal(transparent + white, 32 * 32, 'every pixel is transparent or white');
  });

  it('has a colour icon in the accent colour with a white mark', () => {
    const { data, width } = readPng('color.png');
    const at = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    assert.deepEqual(at(96, 20), [0x4f, 0x52, 0xb2, 255]);
    assert.deepEqual(at(96, 96), [255, 255, 255, 255]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Packaging

describe('buildAppPackage', () => {
  it('writes a zip holding exactly manifest.json, color.png and outline.png at its root', async () => {
    const outDir = tempDir();
    try {
      const { zipPath, manifestPath } = await buildAppPackage({
        vars: { MICROSOFT_APP_ID: APP_ID, BOT_DOMAIN: DOMAIN },
        outDir,
      });
      assert.equal(zipPath, path.join(outDir, 'leaddesk-app.zip'));
      assert.equal(manifestPath, path.join(outDir, 'appPackage', 'manifest.json'));
      const zip = new AdmZip(zipPath);
      assert.deepEqual(
        zip
          .getEntries()
          .map((e) => e.entryName)
          .sort(),
        ['color.png', 'manifest.json', 'outline.png'],
      );
      const zipped = JSON.parse(zip.readAsText('manifest.json')) as Json;
      assert.equal(zipped.id, APP_ID);
      assert.deepEqual(zipped, JSON.parse(readFileSync(manifestPath, 'utf8')));
      assert.ok(zip.readFile('outline.png')!.equals(readFileSync(path.join(MANIFEST_DIR, 'outline.png'))));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('writes nothing and lists the problems when the manifest is invalid', async () => {
    const outDir = tempDir();
    try {
      await assert.rejects(
        buildAppPackage({ vars: { MICROSOFT_APP_ID: 'nope', BOT_DOMAIN: DOMAIN }, outDir }),
        (err: unknown) =>
          err instanceof ManifestInvalidError && err.problems.some((p) => p.startsWith('/id must match pattern')),
      );
      assert.equal(existsSync(path.join(outDir, 'leaddesk-app.zip')), false);
      assert.equal(existsSync(path.join(outDir, 'appPackage')), false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('varsFromEnv', () => {
  it('asks for MicrosoftAppId when it is missing, unless --dev is given', () => {
    assert.throws(
      () => varsFromEnv({ BOT_DOMAIN: DOMAIN }, { dev: false }),
      /set MicrosoftAppId to your Azure Bot's app id \(a GUID\)/,
    );
    assert.deepEqual(varsFromEnv({ BOT_DOMAIN: DOMAIN }, { dev: true }), {
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
      BOT_DOMAIN: DOMAIN,
      APP_VERSION: '1.0.0',
    });
  });

  it('refuses an app id that is not a GUID, a domain with a scheme and a malformed version', () => {
    assert.throws(
      () => varsFromEnv({ MicrosoftAppId: 'my-bot', BOT_DOMAIN: DOMAIN }, { dev: false }),
      /MicrosoftAppId: expected a GUID/,
    );
    assert.throws(
      () => varsFromEnv({ MicrosoftAppId: APP_ID, BOT_DOMAIN: `https://${DOMAIN}` }, { dev: false }),
      /BOT_DOMAIN: expected a host name without scheme/,
    );
    assert.throws(() => varsFromEnv({ MicrosoftAppId: APP_ID }, { dev: false }), /set BOT_DOMAIN/);
    assert.throws(
      () => varsFromEnv({ MicrosoftAppId: APP_ID, BOT_DOMAIN: DOMAIN, APP_VERSION: 'v2' }, { dev: false }),
      /APP_VERSION: expected a version like 1\.2\.3, got "v2"/,
    );
  });
});
