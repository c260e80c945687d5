/**
 * The only reader of process.env. Reads `.env` (dotenv), checks every value with zod and returns a frozen,
 * fully typed Config; a bad value stops startup with "NAME: expected X, got Y". Imports nothing of ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import ms from 'ms';
import { z } from 'zod';

export interface Config {
  port: number;
  host: string;
  nodeEnv: string;
  /** Secret for POST /api/leads; in local mode generated and kept in DATA_DIR when unset. */
  webhookSecret: string;
  webhookSecretSource: 'env' | 'generated' | 'data-dir';
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
    /** No app id: inbound activities are not authenticated (local development only). */
    anonymous: boolean;
  };
  cosmos: {
    /** Unset: the embedded SQLite store in DATA_DIR (the default). */
    endpoint?: string;
    key?: string;
    database: string;
  };
  dataDir: string;
  jobIntervalMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** AAD object ids (or Teams user ids) of sales managers. */
  managerIds: string[];
  /** How long a new lead may stay unclaimed. */
  claimSlaMs: number;
  /** Identifies this process in delivery leases (several instances may share one Cosmos account). */
  instanceId: string;
  version: string;
  /** Non-fatal findings, e.g. a variable that looks like a typo of one of ours; main logs them. */
  warnings: string[];
}

const KNOWN = [
  'PORT', 'HOST', 'NODE_ENV', 'LEAD_WEBHOOK_SECRET', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType',
  'MicrosoftAppTenantId', 'COSMOS_ENDPOINT', 'COSMOS_KEY', 'COSMOS_DATABASE', 'DATA_DIR', 'JOB_INTERVAL', 'LOG_LEVEL',
  'MANAGER_IDS', 'CLAIM_SLA', 'INSTANCE_ID',
] as const;

const duration = (name: string, min: number) =>
  z.string().transform((v, ctx) => {
    const n = ms(v.trim() as ms.StringValue);
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name}: expected a duration such as 500ms, 30s or 5m (at least ${min} ms), got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  PORT: z.coerce.number({ invalid_type_error: 'PORT: expected a port number' }).int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ENV: z.string().default('development'),
  LEAD_WEBHOOK_SECRET: z.string().min(16, 'LEAD_WEBHOOK_SECRET: expected at least 16 characters').optional(),
  MicrosoftAppId: z.string().trim().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  COSMOS_ENDPOINT: z.string().url('COSMOS_ENDPOINT: expected a URL such as https://<account>.documents.azure.com:443/').optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'COSMOS_DATABASE: expected letters, digits, - or _').default('leaddesk'),
  DATA_DIR: z.string().min(1).default('./.data'),
  JOB_INTERVAL: duration('JOB_INTERVAL', 50).default('10s'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MANAGER_IDS: z.string().default(''),
  CLAIM_SLA: duration('CLAIM_SLA', 1000).default('15m'),
  INSTANCE_ID: z.string().optional(),
});

/** Levenshtein distance, for "did you mean" on mistyped variable names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  return d[a.length][b.length];
}

/** Names in env that look like a typo of one of ours (e.g. COSMOS_ENDPIONT). */
export function suspiciousNames(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(env)) {
    if ((KNOWN as readonly string[]).includes(name)) continue;
    const close = KNOWN.find((k) => distance(name, k) <= 2 && name.length > 4);
    if (close) out.push(`${name} (did you mean ${close}?)`);
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Build the Config from an environment (process.env by default, after loading `.env`).
 * Throws ConfigError listing every bad value.
 */
export function loadConfig(env: Record<string, string | undefined> = readProcessEnv()): Config {
  const cleaned: Record<string, string> = {};
  for (const k of KNOWN) {
    const v = env[k];
    if (v !== undefined && v.trim() !== '') cleaned[k] = v;
  }
  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      const msg = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      problems.push(`${msg} (got "${cleaned[name] ?? ''}")`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const anonymous = e.MicrosoftAppId === '';
  if (anonymous && e.MicrosoftAppType !== 'MultiTenant') problems.push(`MicrosoftAppType: ${e.MicrosoftAppType} needs MicrosoftAppId`);
  if (!anonymous && e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId: expected your tenant id for a SingleTenant bot, got nothing');
  if (!anonymous && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) problems.push('MicrosoftAppPassword: expected the bot secret when MicrosoftAppId is set, got nothing');
  if (anonymous && e.NODE_ENV === 'production') problems.push('MicrosoftAppId: expected an app id in production (NODE_ENV=production); anonymous mode is for local development only');
  // The embedded SQLite store is durable and fit for production on one machine; only the generated secret is not.
  if (!e.LEAD_WEBHOOK_SECRET && e.NODE_ENV === 'production') problems.push('LEAD_WEBHOOK_SECRET: expected a secret of at least 16 characters in production');
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const { secret, source } = resolveWebhookSecret(e.LEAD_WEBHOOK_SECRET, dataDir);
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    webhookSecret: secret,
    webhookSecretSource: source,
    bot: { appId: e.MicrosoftAppId, appPassword: e.MicrosoftAppPassword, appType: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId, anonymous },
    cosmos: { endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, database: e.COSMOS_DATABASE },
    dataDir,
    jobIntervalMs: e.JOB_INTERVAL,
    logLevel: e.LOG_LEVEL,
    managerIds: e.MANAGER_IDS.split(',').map((s) => s.trim()).filter(Boolean),
    claimSlaMs: e.CLAIM_SLA,
    instanceId: e.INSTANCE_ID ?? `${require('node:os').hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    version: packageVersion(),
    warnings: suspiciousNames(env).map((n) => `unknown setting ${n}`),
  };
  return Object.freeze(config);
}

/** For entry points (npm start, dev, scripts): the config, or the list of bad values on stderr and exit code 78. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

function readProcessEnv(): Record<string, string | undefined> {
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  return process.env;
}

/** Local mode without a configured secret: generate one once and keep it in DATA_DIR. */
function resolveWebhookSecret(fromEnv: string | undefined, dataDir: string): { secret: string; source: Config['webhookSecretSource'] } {
  if (fromEnv) return { secret: fromEnv, source: 'env' };
  const file = path.join(dataDir, 'webhook-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { secret: existing, source: 'data-dir' };
  } catch {
    /* not there yet */
  }
  const secret = require('node:crypto').randomBytes(24).toString('base64url') as string;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return { secret, source: 'generated' };
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
}

/** Settings with secrets masked, for the startup log line. */
export function summarizeConfig(c: Config): Record<string, unknown> {
  return {
    port: c.port,
    host: c.host,
    nodeEnv: c.nodeEnv,
    webhookSecret: `*** (${c.webhookSecretSource})`,
    bot: { appId: c.bot.appId || '(none: anonymous local mode)', appType: c.bot.appType, tenantId: c.bot.tenantId || undefined, appPassword: c.bot.appPassword ? '***' : '(unset)' },
    store: c.cosmos.endpoint ? 'cosmos' : 'sqlite',
    cosmos: { endpoint: c.cosmos.endpoint ?? '(unset: embedded SQLite)', key: c.cosmos.key ? '***' : c.cosmos.endpoint ? '(@azure/identity)' : undefined, database: c.cosmos.database },
    dataDir: c.dataDir,
    jobIntervalMs: c.jobIntervalMs,
    managers: c.managerIds.length,
    claimSlaMs: c.claimSlaMs,
    instanceId: c.instanceId,
  };
}
