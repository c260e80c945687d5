/**
 * Fills the Teams manifest template and checks the result: the official JSON schema (bundled with
 * `@microsoft/app-manifest`, so this works offline) plus what the schema cannot see: placeholders left
 * unfilled, the two icon files, and a few limits Teams enforces at upload. Used by scripts/package.ts and
 * test/manifest/manifest.test.ts.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { PNG } from 'pngjs';

/** Values used when a placeholder is not given. */
export const PLACEHOLDER_DEFAULTS: Readonly<Record<string, string>> = { APP_VERSION: '1.0.0' };

const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const SCHEMA_URL =
  /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ICON_SIZES = { color: 192, outline: 32 } as const;
/** Teams shows at most 10 commands per list in the command menu, whatever the schema allows. */
const MAX_COMMANDS = 10;
const MAX_SHORT_NAME = 30;

/**
 * Replaces every `${{NAME}}` in the template with `vars[NAME]` (or its default) and parses the result.
 * Values are JSON-escaped, so a quote in a value cannot break the document. Unknown placeholders are left
 * as they are: `checkManifest` reports them.
 */
export function fillManifest(template: string, vars: Record<string, string>): object {
  const values: Record<string, string> = { ...PLACEHOLDER_DEFAULTS, ...vars };
  // The Pipeline tab's SSO app: the bot's own Entra app unless a separate one is given (a managed-identity bot).
  if (values.SSO_APP_ID === undefined && values.MICROSOFT_APP_ID !== undefined)
    values.SSO_APP_ID = values.MICROSOFT_APP_ID;
  const filled = template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? JSON.stringify(values[name]).slice(1, -1) : whole,
  );
  const parsed: unknown = JSON.parse(filled);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(
      `The manifest template must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
    );
  }
  return parsed;
}

/** Every problem found, one sentence each; an empty array means the manifest can be uploaded. */
export async function checkManifest(manifest: object, iconDir: string): Promise<string[]> {
  const m = manifest as Record<string, unknown>;
  const errors: string[] = [];
  errors.push(...(await schemaErrors(m)));
  errors.push(...placeholderErrors(m));
  errors.push(...limitErrors(m));
  for (const kind of ['color', 'outline'] as const) errors.push(...(await iconErrors(m, kind, iconDir)));
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// Schema

/** Bundled schema folder of @microsoft/app-manifest (one subfolder per version: v1.0 … v1.30, vDevPreview). */
function bundledSchemaDir(): string {
  return path.join(
    path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
    'build',
    'json-schemas',
    'teams',
  );
}

async function schemaErrors(m: Record<string, unknown>): Promise<string[]> {
  const url = m.$schema;
  const match = typeof url === 'string' ? SCHEMA_URL.exec(url) : null;
  // Checked first because the library would try to download any schema it does not bundle.
  if (!match)
    return [
      `$schema: expected https://developer.microsoft.com/json-schemas/teams/v1.NN/MicrosoftTeams.schema.json, got ${JSON.stringify(url)}`,
    ];
  if (!existsSync(path.join(bundledSchemaDir(), match[1]!, 'MicrosoftTeams.schema.json'))) {
    return [`$schema: expected a schema version bundled with @microsoft/app-manifest, got ${match[1]}`];
  }
  return AppManifestUtils.validateAgainstSchema(m as unknown as AppManifest);
}

// ---------------------------------------------------------------------------------------------------------
// Own checks

function placeholderErrors(m: Record<string, unknown>): string[] {
  const left = new Set<string>();
  for (const hit of JSON.stringify(m).matchAll(PLACEHOLDER)) left.add(hit[1]!);
  return [...left].map((name) => `placeholder \${{${name}}} was not filled: pass a value for ${name}`);
}

function limitErrors(m: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const name = asRecord(m.name);
  if (typeof name?.short === 'string' && name.short.length > MAX_SHORT_NAME) {
    errors.push(`name.short: expected at most ${MAX_SHORT_NAME} characters, got ${name.short.length}`);
  }
  const bots = Array.isArray(m.bots) ? m.bots : [];
  bots.forEach((bot, b) => {
    const lists = asRecord(bot)?.commandLists;
    if (!Array.isArray(lists)) return;
    lists.forEach((list, l) => {
      const commands = asRecord(list)?.commands;
      if (Array.isArray(commands) && commands.length > MAX_COMMANDS) {
        errors.push(`bots[${b}].commandLists[${l}]: expected at most ${MAX_COMMANDS} commands, got ${commands.length}`);
      }
    });
  });
  return errors;
}

async function iconErrors(
  m: Record<string, unknown>,
  kind: keyof typeof ICON_SIZES,
  iconDir: string,
): Promise<string[]> {
  const where = `icons.${kind}`;
  const file = asRecord(m.icons)?.[kind];
  if (typeof file !== 'string' || file === '') return [`${where}: expected a file name, got ${JSON.stringify(file)}`];
  if (path.basename(file) !== file) return [`${where}: expected a file at the package root, got ${file}`];
  const full = path.join(iconDir, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch {
    return [`${where}: ${full} does not exist`];
  }
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return [`${where}: ${file} is not a PNG file`];
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    return [`${where}: ${file} is not a readable PNG (${(err as Error).message})`];
  }
  const size = ICON_SIZES[kind];
  if (png.width !== size || png.height !== size) {
    return [`${where}: expected ${size}×${size} pixels, got ${png.width}×${png.height}`];
  }
  return kind === 'outline' ? outlineErrors(png, where) : [];
}

/** Teams draws the outline icon as a mask: white strokes on a transparent background. */
function outlineErrors(png: PNG, where: string): string[] {
  let transparent = 0;
  let coloured = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
    if (a === 0) transparent++;
    else if (r < 0xf0 || g < 0xf0 || b < 0xf0) coloured++;
  }
  const errors: string[] = [];
  if (transparent === 0) errors.push(`${where}: expected a transparent background, got no transparent pixels`);
  if (coloured > 0)
    errors.push(`${where}: expected white on transparent, got ${coloured} visible pixels that are not white`);
  return errors;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
