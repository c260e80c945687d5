/**
 * The only reader of process.env. Reads `.env` (dotenv), checks every value with zod and returns a frozen,
 * fully typed Config; a bad value stops startup with "NAME: expected X, got Y". Imports nothing of ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import ms from 'ms';
import { IANAZone } from 'luxon';
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
  /** When managers get last week's pipeline card (in followUp.hours.zone); undefined = off. */
  pipelineDigest?: { weekday: number; minutes: number };
  /** Reminders: deadlines, the nurture cadence and when people may be nudged (the shape of leads/followUp's FollowUpPolicy). */
  followUp: {
    claimSlaMs: number;
    firstTouchSlaMs: number;
    cadenceMs: number[];
    hours: BusinessHoursSetting;
  };
  /** Identifies this process in delivery leases (several instances may share one Cosmos account). */
  instanceId: string;
  version: string;
  /** Non-fatal findings, e.g. a variable that looks like a typo of one of ours; main logs them. */
  warnings: string[];
}

const KNOWN = [
  'PORT',
  'HOST',
  'NODE_ENV',
  'LEAD_WEBHOOK_SECRET',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'COSMOS_ENDPOINT',
  'COSMOS_KEY',
  'COSMOS_DATABASE',
  'DATA_DIR',
  'JOB_INTERVAL',
  'LOG_LEVEL',
  'MANAGER_IDS',
  'CLAIM_SLA',
  'INSTANCE_ID',
  'FIRST_TOUCH_SLA',
  'NURTURE_CADENCE',
  'BUSINESS_HOURS',
  'TIMEZONE',
  'PIPELINE_DIGEST',
] as const;

/** BUSINESS_HOURS in the team's TIMEZONE (the shape of leads/businessHours' BusinessHours); no spans = always open. */
export interface BusinessHoursSetting {
  zone: string;
  /** ISO weekdays (1 = Monday), minutes after local midnight. */
  spans: { days: number[]; start: number; end: number }[];
}

const duration = (name: string, min: number) =>
  z.string().transform((v, ctx) => {
    const n = ms(v.trim() as ms.StringValue);
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${name}: expected a duration such as 500ms, 30s or 5m (at least ${min} ms), got "${v}"`,
      });
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
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'MicrosoftAppType: expected MultiTenant, SingleTenant or UserAssignedMSI',
    })
    .default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  COSMOS_ENDPOINT: z
    .string()
    .url('COSMOS_ENDPOINT: expected a URL such as https://<account>.documents.azure.com:443/')
    .optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'COSMOS_DATABASE: expected letters, digits, - or _')
    .default('leaddesk'),
  DATA_DIR: z.string().min(1).default('./.data'),
  JOB_INTERVAL: duration('JOB_INTERVAL', 50).default('10s'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL: expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  MANAGER_IDS: z.string().default(''),
  CLAIM_SLA: duration('CLAIM_SLA', 1000).default('15m'),
  FIRST_TOUCH_SLA: duration('FIRST_TOUCH_SLA', 1000).default('1h'),
  NURTURE_CADENCE: z
    .string()
    .default('1d,3d,7d,14d,21d')
    .transform((v, ctx) => {
      const steps = v.split(',').map((p) => ms(p.trim() as ms.StringValue));
      if (
        !steps.length ||
        steps.some((n) => typeof n !== 'number' || !Number.isFinite(n) || n < 1000) ||
        steps.some((n, i) => i > 0 && n <= steps[i - 1])
      ) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `NURTURE_CADENCE: expected increasing durations after the start of nurture, such as 1d,3d,7d,14d,21d, got "${v}"`,
        });
        return z.NEVER;
      }
      return steps as number[];
    }),
  TIMEZONE: z
    .string()
    .default('UTC')
    .refine((v) => IANAZone.isValidZone(v), {
      message: 'TIMEZONE: expected an IANA time zone such as Europe/Istanbul or America/New_York',
    }),
  BUSINESS_HOURS: z.string().default(''),
  PIPELINE_DIGEST: z
    .string()
    .default('Mon 09:00')
    .transform((v, ctx) => {
      if (v.trim().toLowerCase() === 'off') return undefined;
      const m = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(\d{1,2}):(\d{2})$/i.exec(v.trim());
      if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `PIPELINE_DIGEST: expected a weekday and time such as "Mon 09:00" (or "off"), got "${v}"`,
        });
        return z.NEVER;
      }
      return { weekday: DAYS.indexOf(m[1].toLowerCase().slice(0, 3)) + 1, minutes: Number(m[2]) * 60 + Number(m[3]) };
    }),
  INSTANCE_ID: z.string().optional(),
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * BUSINESS_HOURS such as "Mon-Fri 09:00-17:00" or "Mon-Thu 08:30-17:00, Fri 08:30-13:00"; empty = always open.
 * Throws an Error whose message says what was expected.
 */
export function parseBusinessHours(text: string, zone: string): BusinessHoursSetting {
  if (!IANAZone.isValidZone(zone))
    throw new Error(`expected an IANA time zone such as Europe/Istanbul or America/New_York, got "${zone}"`);
  const spans: BusinessHoursSetting['spans'] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(part);
    const from = m ? DAYS.indexOf(m[1].toLowerCase()) : -1;
    const to = m ? (m[2] ? DAYS.indexOf(m[2].toLowerCase()) : from) : -1;
    if (!m || from < 0 || to < 0)
      throw new Error(`expected opening hours such as "Mon-Fri 09:00-17:00", got "${part}"`);
    const start = Number(m[3]) * 60 + Number(m[4]);
    const end = Number(m[5]) * 60 + Number(m[6]);
    if (Number(m[4]) > 59 || Number(m[6]) > 59 || end > 24 * 60 || start >= end)
      throw new Error(`expected a start before the end within one day, got "${part}"`);
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d + 1);
      if (d === to) break;
    }
    spans.push({ days, start, end });
  }
  return { zone, spans };
}

/** Levenshtein distance, for "did you mean" on mistyped variable names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
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
  // An empty PIPELINE_DIGEST turns the weekly digest off (unset keeps the default).
  if (env.PIPELINE_DIGEST !== undefined && env.PIPELINE_DIGEST.trim() === '') cleaned.PIPELINE_DIGEST = 'off';
  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      const msg = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      // A message that already says `got "…"` keeps it; the others get the value appended, so it shows once.
      problems.push(/\bgot /.test(msg) ? msg : `${msg} (got "${cleaned[name] ?? ''}")`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const anonymous = e.MicrosoftAppId === '';
  if (anonymous && e.MicrosoftAppType !== 'MultiTenant')
    problems.push(`MicrosoftAppType: ${e.MicrosoftAppType} needs MicrosoftAppId`);
  if (!anonymous && e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId)
    problems.push('MicrosoftAppTenantId: expected your tenant id for a SingleTenant bot, got nothing');
  if (!anonymous && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword)
    problems.push('MicrosoftAppPassword: expected the bot secret when MicrosoftAppId is set, got nothing');
  if (anonymous && e.NODE_ENV === 'production')
    problems.push(
      'MicrosoftAppId: expected an app id in production (NODE_ENV=production); anonymous mode is for local development only',
    );
  // The embedded SQLite store is durable and fit for production on one machine; only the generated secret is not.
  if (!e.LEAD_WEBHOOK_SECRET && e.NODE_ENV === 'production')
    problems.push('LEAD_WEBHOOK_SECRET: expected a secret of at least 16 characters in production');
  let hours: BusinessHoursSetting = { zone: e.TIMEZONE, spans: [] };
  try {
    hours = parseBusinessHours(e.BUSINESS_HOURS, e.TIMEZONE);
  } catch (err) {
    problems.push(`BUSINESS_HOURS: ${(err as Error).message}`);
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const { secret, source } = resolveWebhookSecret(e.LEAD_WEBHOOK_SECRET, dataDir);
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    webhookSecret: secret,
    webhookSecretSource: source,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      anonymous,
    },
    cosmos: { endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, database: e.COSMOS_DATABASE },
    dataDir,
    jobIntervalMs: e.JOB_INTERVAL,
    logLevel: e.LOG_LEVEL,
    managerIds: e.MANAGER_IDS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pipelineDigest: e.PIPELINE_DIGEST,
    followUp: { claimSlaMs: e.CLAIM_SLA, firstTouchSlaMs: e.FIRST_TOUCH_SLA, cadenceMs: e.NURTURE_CADENCE, hours },
    instanceId:
      e.INSTANCE_ID ?? `${require('node:os').hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
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
function resolveWebhookSecret(
  fromEnv: string | undefined,
  dataDir: string,
): { secret: string; source: Config['webhookSecretSource'] } {
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
    bot: {
      appId: c.bot.appId || '(none: anonymous local mode)',
      appType: c.bot.appType,
      tenantId: c.bot.tenantId || undefined,
      appPassword: c.bot.appPassword ? '***' : '(unset)',
    },
    store: c.cosmos.endpoint ? 'cosmos' : 'sqlite',
    cosmos: {
      endpoint: c.cosmos.endpoint ?? '(unset: embedded SQLite)',
      key: c.cosmos.key ? '***' : c.cosmos.endpoint ? '(@azure/identity)' : undefined,
      database: c.cosmos.database,
    },
    dataDir: c.dataDir,
    jobIntervalMs: c.jobIntervalMs,
    managers: c.managerIds.length,
    claimSlaMs: c.followUp.claimSlaMs,
    firstTouchSlaMs: c.followUp.firstTouchSlaMs,
    nurtureCadenceMs: c.followUp.cadenceMs,
    businessHours: c.followUp.hours.spans.length ? c.followUp.hours : `always (${c.followUp.hours.zone})`,
    instanceId: c.instanceId,
  };
}
