/**
 * Builds the Teams app package (`npm run package`):
 *   build/appPackage/manifest.json (+ the icons next to it, for tools that take a folder)
 *   build/leaddesk-app.zip         manifest.json, color.png and outline.png at the zip root: upload this to Teams
 *
 * Environment (read from the shell or `.env`), or the Azure template's outputs with `--outputs <file>` (botId,
 * hostName; the file `az deployment group show … --query properties.outputs` prints, see README.md):
 *   MicrosoftAppId  your Azure Bot's app id, a GUID (required; `--dev` uses 00000000-0000-0000-0000-000000000000)
 *   BOT_DOMAIN      host name the bot and the tab are served from, without scheme, e.g. leaddesk.contoso.com (required)
 *   APP_VERSION     manifest version, x.y.z (default 1.0.0); bump it on every upload
 *   SSO_APP_ID      the Entra app the Pipeline tab signs in to (webApplicationInfo); default MicrosoftAppId
 * `--out <dir>` writes somewhere else than build/.
 *
 * The manifest is checked against the official schema and our own rules (scripts/manifestCheck.ts) before
 * anything is written.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import AdmZip from 'adm-zip';
import dotenv from 'dotenv';
import { checkManifest, fillManifest, PLACEHOLDER_DEFAULTS } from './manifestCheck';

export const MANIFEST_DIR = path.join(__dirname, '..', 'manifest');
export const TEMPLATE_PATH = path.join(MANIFEST_DIR, 'manifest.template.json');
export const DEFAULT_OUT_DIR = path.join(__dirname, '..', 'build');
export const ZIP_NAME = 'leaddesk-app.zip';
export const DEV_APP_ID = '00000000-0000-0000-0000-000000000000';

const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const HOST =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const VERSION = /^\d+\.\d+\.\d+$/;

/** The manifest failed the schema or our own checks; `problems` lists each one. */
export class ManifestInvalidError extends Error {
  readonly code = 'manifest.invalid';
  constructor(readonly problems: string[]) {
    super(
      `The app manifest is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ManifestInvalidError';
  }
}

/** A missing or malformed environment value; the message says which and what was expected. */
export class PackageConfigError extends Error {
  readonly code = 'manifest.bad-config';
  constructor(message: string) {
    super(message);
    this.name = 'PackageConfigError';
  }
}

export interface BuildOptions {
  /** Template placeholder values: MICROSOFT_APP_ID, BOT_DOMAIN, APP_VERSION. */
  vars: Record<string, string>;
  /** Where `appPackage/` and the zip go. @default build/ */
  outDir?: string;
  /** @default manifest/manifest.template.json */
  templatePath?: string;
  /** Folder holding the icons the manifest names. @default manifest/ */
  iconDir?: string;
}

export interface BuildResult {
  manifest: object;
  manifestPath: string;
  zipPath: string;
}

/** Fills, checks and writes the package; throws ManifestInvalidError and writes nothing when a check fails. */
export async function buildAppPackage(opts: BuildOptions): Promise<BuildResult> {
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  const iconDir = opts.iconDir ?? MANIFEST_DIR;
  const template = await readFile(opts.templatePath ?? TEMPLATE_PATH, 'utf8');
  const manifest = fillManifest(template, opts.vars);
  const problems = await checkManifest(manifest, iconDir);
  if (problems.length > 0) throw new ManifestInvalidError(problems);

  // checkManifest has confirmed both icons are plain file names that exist in iconDir.
  const icons = (manifest as { icons: { color: string; outline: string } }).icons;
  const json = `${JSON.stringify(manifest, null, 2)}\n`;

  const appDir = path.join(outDir, 'appPackage');
  await mkdir(appDir, { recursive: true });
  const manifestPath = path.join(appDir, 'manifest.json');
  await writeFile(manifestPath, json);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(json, 'utf8'));
  for (const icon of [icons.color, icons.outline]) {
    await copyFile(path.join(iconDir, icon), path.join(appDir, icon));
    zip.addFile(icon, await readFile(path.join(iconDir, icon)));
  }
  const zipPath = path.join(outDir, ZIP_NAME);
  await zip.writeZipPromise(zipPath);
  return { manifest, manifestPath, zipPath };
}

/**
 * Turns the environment into template values, or throws PackageConfigError naming the variable.
 * With `dev`, a missing MicrosoftAppId becomes the all-zero GUID (fine for local tools, not for a real tenant).
 */
export function varsFromEnv(env: NodeJS.ProcessEnv, opts: { dev: boolean }): Record<string, string> {
  const appId = env.MicrosoftAppId?.trim() || (opts.dev ? DEV_APP_ID : '');
  if (appId === '') {
    throw new PackageConfigError(
      "set MicrosoftAppId to your Azure Bot's app id (a GUID), or pass --dev to use the all-zero GUID",
    );
  }
  if (!GUID.test(appId))
    throw new PackageConfigError(`MicrosoftAppId: expected a GUID (your Azure Bot's app id), got "${appId}"`);

  const domain = env.BOT_DOMAIN?.trim() ?? '';
  if (domain === '')
    throw new PackageConfigError(
      'set BOT_DOMAIN to the host name that serves the bot and the tab, e.g. leaddesk.contoso.com',
    );
  if (!HOST.test(domain)) {
    throw new PackageConfigError(
      `BOT_DOMAIN: expected a host name without scheme, port or path (e.g. leaddesk.contoso.com), got "${domain}"`,
    );
  }

  const version = env.APP_VERSION?.trim() || PLACEHOLDER_DEFAULTS.APP_VERSION!;
  if (!VERSION.test(version))
    throw new PackageConfigError(`APP_VERSION: expected a version like 1.2.3, got "${version}"`);

  const sso = env.SSO_APP_ID?.trim() ?? '';
  if (sso !== '' && !GUID.test(sso))
    throw new PackageConfigError(`SSO_APP_ID: expected a GUID (the Pipeline tab's Entra app), got "${sso}"`);

  return { MICROSOFT_APP_ID: appId, BOT_DOMAIN: domain, APP_VERSION: version, ...(sso ? { SSO_APP_ID: sso } : {}) };
}

/**
 * The Azure template's outputs as environment values: the JSON `az deployment group show -g <group> -n <deployment>
 * --query properties.outputs` prints ({ "botId": { "type": "String", "value": "…" }, … }).
 */
export function envFromOutputs(text: string): Record<string, string> {
  let outputs: Record<string, { value?: unknown }>;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new PackageConfigError(
      '--outputs: expected the JSON of the deployment outputs (az deployment group show … --query properties.outputs)',
    );
  }
  const value = (name: string) => {
    const v = outputs?.[name]?.value;
    if (typeof v !== 'string' || v === '')
      throw new PackageConfigError(`--outputs: expected the output ${name} of infra/azuredeploy.json, got none`);
    return v;
  };
  return { MicrosoftAppId: value('botId'), BOT_DOMAIN: value('hostName') };
}

async function main(argv: string[]): Promise<number> {
  const dev = argv.includes('--dev');
  const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  try {
    const outputs = option('--outputs');
    const text = outputs
      ? await readFile(outputs, 'utf8').catch(() => {
          throw new PackageConfigError(`--outputs: cannot read ${outputs}`);
        })
      : undefined;
    const fromOutputs = text === undefined ? {} : envFromOutputs(text);
    const vars = varsFromEnv({ ...process.env, ...fromOutputs }, { dev });
    const outDir = option('--out');
    const { manifestPath, zipPath } = await buildAppPackage({ vars, outDir: outDir && path.resolve(outDir) });
    if (vars.MICROSOFT_APP_ID === DEV_APP_ID) {
      process.stderr.write(
        'note: built with the all-zero app id (--dev); Teams will not reach your bot with this package\n',
      );
    }
    process.stdout.write(
      `manifest ${vars.APP_VERSION} valid\nwrote ${path.relative(process.cwd(), manifestPath)}\nwrote ${path.relative(process.cwd(), zipPath)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof PackageConfigError || err instanceof ManifestInvalidError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
