/**
 * The map in docs/ARCHITECTURE.md, checked: which folder of src may import which, and which folder alone may use a
 * framework or a database SDK. A new import that breaks the layering fails here with the file and the import named.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../src');

/** Top-level folders (and single files) of src and what each may import of ours. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  leads: [],
  // i18n: the message catalogs (locales/) and Intl formatting; only libraries.
  i18n: [],
  // config checks TEAM_LOCALE against the languages src/i18n speaks.
  config: ['i18n'],
  log: [],
  store: ['leads', 'log'],
  intake: ['leads', 'store', 'log'],
  reports: ['leads', 'store', 'log', 'i18n'],
  jobs: ['leads', 'store', 'log', 'i18n'],
  // teams implements the jobs' ports (CardPoster, ReminderSender, DigestSender) and reads cards/ templates.
  // privacy: find, erase and export a person's personal data (issue 14); the chat command, the API and retention use it.
  privacy: ['leads', 'store', 'log'],
  // crm: the CRM clients (Dynamics 365, Salesforce, a signed webhook) implement the CRM handoff job's port (issue 16).
  crm: ['leads', 'jobs', 'log'],
  teams: ['leads', 'store', 'reports', 'jobs', 'privacy', 'log', 'i18n', '../cards'],
  http: ['leads', 'intake', 'reports', 'privacy', 'log', 'i18n'],
  main: ['*'],
};

/** Packages only one folder may import (besides main, the composition root). */
const OWNERS: Record<string, string> = {
  botbuilder: 'teams',
  'botframework-connector': 'teams',
  'adaptivecards-templating': 'teams',
  restify: 'http',
  jose: 'http',
  '@azure/cosmos': 'store',
  'better-sqlite3': 'store',
  zod: 'config',
  dotenv: 'config',
  'intl-messageformat': 'i18n',
};

interface Import {
  file: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) found.push({ file, spec: m[1] });
  for (const m of text.matchAll(/require\('([^']+)'\)/g)) found.push({ file, spec: m[1] });
  return found;
}

/** 'leads' for src/leads/x.ts, 'main' for src/main.ts. */
function areaOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
}

function targetArea(imp: Import): string | undefined {
  if (!imp.spec.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(imp.file), imp.spec);
  const rel = path.relative(SRC, target);
  if (rel.startsWith('..')) return `../${rel.split(path.sep)[1]}`;
  return areaOf(`${target}.ts`);
}

describe('the architecture (docs/ARCHITECTURE.md)', () => {
  const imports = sourceFiles(SRC).flatMap(importsOf);

  it('finds the source files and their imports', () => {
    assert.ok(imports.length > 200, `only ${imports.length} imports found: the scan is broken`);
  });

  it('keeps every folder to the folders it may import (dependencies point inward, to leads and store)', () => {
    const broken = imports
      .map((imp) => ({ imp, from: areaOf(imp.file), to: targetArea(imp) }))
      .filter(({ from, to }) => to !== undefined && to !== from)
      .filter(({ from, to }) => !MAY_IMPORT[from]?.includes('*') && !MAY_IMPORT[from]?.includes(to as string))
      .map(({ imp, from, to }) => `${path.relative(SRC, imp.file)} (${from}) imports ${imp.spec} (${to})`);
    assert.deepEqual(broken, []);
  });

  it('lets only one folder use each framework or database SDK', () => {
    const broken = imports
      .filter((imp) => !imp.spec.startsWith('.'))
      .map((imp) => ({ imp, pkg: imp.spec.startsWith('@') ? imp.spec.split('/').slice(0, 2).join('/') : imp.spec }))
      .filter(({ imp, pkg }) => OWNERS[pkg] && areaOf(imp.file) !== OWNERS[pkg])
      .map(({ imp, pkg }) => `${path.relative(SRC, imp.file)} imports ${pkg} (only src/${OWNERS[pkg]} may)`);
    assert.deepEqual(broken, []);
  });

  it('keeps src/leads free of I/O (no node:fs, node:http, network or database module)', () => {
    const io = /^(node:)?(fs|http|https|net|child_process|dgram)$|cosmos|sqlite|botbuilder|restify/;
    const broken = imports
      .filter((imp) => areaOf(imp.file) === 'leads' && io.test(imp.spec))
      .map((imp) => `${path.relative(SRC, imp.file)} imports ${imp.spec}`);
    assert.deepEqual(broken, []);
  });

  it('keeps every src file at 300 lines or fewer', () => {
    const long = sourceFiles(SRC)
      .map((f) => ({ f, n: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ n }) => n > 301)
      .map(({ f, n }) => `${path.relative(SRC, f)}: ${n} lines`);
    assert.deepEqual(long, []);
  });
});
