/**
 * The only reader of process.env. Reads `.env` (dotenv), checks every value with zod and returns a frozen,
 * fully typed Config; a bad value stops startup with "NAME: expected X, got Y". Imports only src/i18n.
 */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { crmSettings, summarizeCrm, type CrmSettings } from './crm';
import type { Locale } from '../i18n';
import { KNOWN, parseBusinessHours, schema, suspiciousNames, type BusinessHoursSetting } from './schema';

export { parseBusinessHours, suspiciousNames, type BusinessHoursSetting } from './schema';

export interface Config {
  port: number;
  host: string;
  nodeEnv: string;
  /** Secret for POST /api/leads; in local mode generated and kept in DATA_DIR when unset. */
  webhookSecret: string;
  webhookSecretSource: 'env' | 'generated' | 'data-dir';
  /** Local mode only: the key the pipeline API and tab ask for (generated once, kept in DATA_DIR/local-key). */
  localKey?: string;
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
    /** No app id: inbound activities are not authenticated (local development only). */
    anonymous: boolean;
    /** The channel's OpenID metadata URL (BotOpenIdMetadata); unset = the Bot Framework's. */
    openIdMetadata?: string;
    /** The Entra app the Pipeline tab's SSO tokens are issued for (SSO_APP_ID); unset = appId. */
    ssoAppId?: string;
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
  /** TEAM_LOCALE: the language of every team's shared cards; undefined = each team's installer's (else English). */
  teamLocale?: Locale;
  /** When managers get last week's pipeline card (in followUp.hours.zone); undefined = off. */
  pipelineDigest?: { weekday: number; minutes: number };
  /** Reminders: deadlines, the nurture cadence and when people may be nudged (the shape of leads/followUp's FollowUpPolicy). */
  followUp: {
    claimSlaMs: number;
    firstTouchSlaMs: number;
    cadenceMs: number[];
    hours: BusinessHoursSetting;
  };
  /** Personal data of leads closed longer ago than this many days is erased (daily); undefined = kept. */
  retentionDays?: number;
  /** The CRM a qualified lead goes on to (config/crm.ts); undefined = none. */
  crm?: CrmSettings;
  /** Identifies this process in delivery leases (several instances may share one Cosmos account). */
  instanceId: string;
  /** The machine this process runs on (App Service's WEBSITE_INSTANCE_ID, else the host name): see jobs/instances.ts. */
  machine: string;
  version: string;
  /** Non-fatal findings, e.g. a variable that looks like a typo of one of ours; main logs them. */
  warnings: string[];
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
  if (!anonymous && e.MicrosoftAppType !== 'MultiTenant' && !e.MicrosoftAppTenantId)
    problems.push(`MicrosoftAppTenantId: expected your tenant id for a ${e.MicrosoftAppType} bot, got nothing`);
  if (!anonymous && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword)
    problems.push('MicrosoftAppPassword: expected the bot secret when MicrosoftAppId is set, got nothing');
  if (anonymous && e.NODE_ENV === 'production')
    problems.push(
      'MicrosoftAppId: expected an app id in production (NODE_ENV=production); anonymous mode is for local development only',
    );
  // The embedded SQLite store is durable and fit for production on one machine; only the generated secret is not.
  if (!e.LEAD_WEBHOOK_SECRET && (e.NODE_ENV === 'production' || !anonymous))
    problems.push(
      `LEAD_WEBHOOK_SECRET: expected a secret of at least 16 characters ${anonymous ? 'in production' : 'when MicrosoftAppId is set'} (a generated one is for local mode only)`,
    );
  // Local mode answers anyone who reaches it without a token: only this machine may.
  if (anonymous && !LOOPBACK_HOSTS.test(e.HOST))
    problems.push(
      `HOST: expected a loopback address without MicrosoftAppId (127.0.0.1, ::1 or localhost): set MicrosoftAppId (and MicrosoftAppPassword) to listen on other addresses (got "${e.HOST}")`,
    );
  let hours: BusinessHoursSetting = { zone: e.TIMEZONE, spans: [] };
  try {
    hours = parseBusinessHours(e.BUSINESS_HOURS, e.TIMEZONE);
  } catch (err) {
    problems.push(`BUSINESS_HOURS: ${(err as Error).message}`);
  }
  const crm = crmSettings(cleaned, problems);
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  const { secret, source } = e.LEAD_WEBHOOK_SECRET
    ? { secret: e.LEAD_WEBHOOK_SECRET, source: 'env' as const }
    : keptInDataDir(dataDir, 'webhook-secret');
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    webhookSecret: secret,
    webhookSecretSource: source,
    localKey: anonymous ? keptInDataDir(dataDir, 'local-key').secret : undefined,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      anonymous,
      openIdMetadata: e.BotOpenIdMetadata,
      ssoAppId: e.SSO_APP_ID,
    },
    cosmos: { endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, database: e.COSMOS_DATABASE },
    dataDir,
    jobIntervalMs: e.JOB_INTERVAL,
    logLevel: e.LOG_LEVEL,
    managerIds: commaList(e.MANAGER_IDS),
    teamLocale: e.TEAM_LOCALE,
    pipelineDigest: e.PIPELINE_DIGEST,
    followUp: { claimSlaMs: e.CLAIM_SLA, firstTouchSlaMs: e.FIRST_TOUCH_SLA, cadenceMs: e.NURTURE_CADENCE, hours },
    retentionDays: e.RETENTION_DAYS,
    crm,
    instanceId:
      e.INSTANCE_ID ?? `${require('node:os').hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    machine: e.WEBSITE_INSTANCE_ID ?? require('node:os').hostname(),
    version: packageVersion(),
    warnings: suspiciousNames(env).map((n) => `unknown setting ${n}`),
  };
  return Object.freeze(config);
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function commaList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
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

const LOOPBACK_HOSTS = /^(?:localhost|::1|\[::1\]|127(?:\.\d{1,3}){3})$/i;

/** Local mode's secrets (the webhook secret when unset, the local access key): generated once, kept in DATA_DIR. */
function keptInDataDir(dataDir: string, name: string): { secret: string; source: 'generated' | 'data-dir' } {
  const file = path.join(dataDir, name);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return { secret: existing, source: 'data-dir' };
  } catch {
    /* not there yet */
  }
  const secret = require('node:crypto').randomBytes(24).toString('base64url') as string;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: 'generated' };
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
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
    localKey: c.localKey ? '*** (DATA_DIR/local-key)' : undefined,
    bot: {
      appId: c.bot.appId || '(none: anonymous local mode)',
      appType: c.bot.appType,
      tenantId: c.bot.tenantId || undefined,
      appPassword: c.bot.appPassword ? '***' : '(unset)',
      openIdMetadata: c.bot.openIdMetadata,
      ssoAppId: c.bot.ssoAppId,
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
    retentionDays: c.retentionDays ?? '(unset: keep)',
    teamLocale: c.teamLocale ?? '(unset: the installer’s)',
    crm: summarizeCrm(c.crm),
  };
}
