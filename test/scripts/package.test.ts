/**
 * An admin builds the Teams app package from what the Azure template printed (`npm run package -- --outputs …`,
 * scripts/package.ts), as a child process in an empty folder (no `.env`), and finds every variable it reads documented.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import AdmZip from 'adm-zip';
import { tempDir } from '../support/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'package.ts');
const BOT_ID = '5b6c7d8e-1234-4abc-9def-0123456789ab';
const HOST = 'leaddesk-abc123.azurewebsites.net';

/** What `az deployment group show -g <group> -n <deployment> --query properties.outputs` prints (shortened). */
const OUTPUTS = {
  botId: { type: 'String', value: BOT_ID },
  hostName: { type: 'String', value: HOST },
  messagingEndpoint: { type: 'String', value: `https://${HOST}/api/messages` },
  keyVaultName: { type: 'String', value: 'kvabc123' },
};

function runPackage(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir();
  fs.writeFileSync(path.join(cwd, 'outputs.json'), JSON.stringify(OUTPUTS, null, 2));
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !['MicrosoftAppId', 'BOT_DOMAIN', 'APP_VERSION', 'SSO_APP_ID'].includes(k),
    ),
  );
  return new Promise<{ code: number | null; stdout: string; stderr: string; cwd: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, SCRIPT, ...args],
      { cwd, env: { ...clean, ...env } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr, cwd }),
    );
  });
}

function manifestIn(zipPath: string) {
  return JSON.parse(new AdmZip(zipPath).readAsText('manifest.json'));
}

describe('npm run package', function () {
  this.timeout(30_000);

  it("an admin builds the app package from the Azure template's outputs", async () => {
    const { code, stdout, stderr, cwd } = await runPackage(['--outputs', 'outputs.json', '--out', 'build']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /manifest 1\.0\.0 valid/);
    const manifest = manifestIn(path.join(cwd, 'build', 'leaddesk-app.zip'));
    assert.equal(manifest.id, BOT_ID);
    assert.equal(manifest.bots[0].botId, BOT_ID);
    assert.deepEqual(manifest.validDomains, [HOST]);
    assert.equal(manifest.developer.privacyUrl, `https://${HOST}/privacy`);
    assert.equal(manifest.developer.termsOfUseUrl, `https://${HOST}/terms`);
    assert.deepEqual(manifest.webApplicationInfo, { id: BOT_ID, resource: `api://${HOST}/${BOT_ID}` });
  });

  it("with the Pipeline tab's own Entra app (SSO_APP_ID), the manifest's webApplicationInfo names it", async () => {
    const sso = '0a1b2c3d-0000-4000-8000-00000000beef';
    const { code, stderr, cwd } = await runPackage(['--outputs', 'outputs.json', '--out', 'build'], {
      SSO_APP_ID: sso,
      APP_VERSION: '1.2.0',
    });
    assert.equal(code, 0, stderr);
    const manifest = manifestIn(path.join(cwd, 'build', 'leaddesk-app.zip'));
    assert.equal(manifest.version, '1.2.0');
    assert.equal(manifest.id, BOT_ID);
    assert.deepEqual(manifest.webApplicationInfo, { id: sso, resource: `api://${HOST}/${sso}` });
  });

  it('without values it says which variable to set, and writes nothing', async () => {
    const missing = await runPackage(['--out', 'build']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /set MicrosoftAppId/);
    const noDomain = await runPackage(['--out', 'build'], { MicrosoftAppId: BOT_ID });
    assert.match(noDomain.stderr, /set BOT_DOMAIN/);
    const badFile = await runPackage(['--outputs', 'nowhere.json', '--out', 'build']);
    assert.match(badFile.stderr, /--outputs: cannot read nowhere\.json/);
    assert.equal(fs.existsSync(path.join(badFile.cwd, 'build')), false);
  });

  it('every variable it reads is documented in README.md and .env.example', () => {
    const source = fs.readFileSync(SCRIPT, 'utf8');
    const names = [...new Set([...source.matchAll(/\benv\.([A-Za-z_]+)/g)].map((m) => m[1]))];
    assert.deepEqual(names.sort(), ['APP_VERSION', 'BOT_DOMAIN', 'MicrosoftAppId', 'SSO_APP_ID']);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    for (const name of names) {
      assert.match(readme, new RegExp(`\\b${name}\\b.*\\|`), `README.md's configuration table lists ${name}`);
      assert.match(example, new RegExp(`^#? ?${name}=`, 'm'), `.env.example lists ${name}`);
    }
  });
});
