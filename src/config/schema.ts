/**
 * What each environment variable may hold: the zod schema (every value checked, "NAME: expected X, got Y"), the
 * business hours language, and the "did you mean" check for mistyped names. Imports only src/i18n (the languages we
 * speak, for TEAM_LOCALE).
 */
import ms from 'ms';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { SUPPORTED_LOCALES, toLocale, type Locale } from '../i18n';
import { CRM_VARIABLES } from './crm';

export const KNOWN = [
  'PORT',
  'HOST',
  'NODE_ENV',
  'LEAD_WEBHOOK_SECRET',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'SSO_APP_ID',
  'BotOpenIdMetadata',
  'COSMOS_ENDPOINT',
  'COSMOS_KEY',
  'COSMOS_DATABASE',
  'DATA_DIR',
  'JOB_INTERVAL',
  'LOG_LEVEL',
  'MANAGER_IDS',
  'CLAIM_SLA',
  'INSTANCE_ID',
  'WEBSITE_INSTANCE_ID',
  'FIRST_TOUCH_SLA',
  'NURTURE_CADENCE',
  'BUSINESS_HOURS',
  'TIMEZONE',
  'TEAM_LOCALE',
  'PIPELINE_DIGEST',
  'RETENTION_DAYS',
  // the CRM handoff (crm.ts checks them)
  ...CRM_VARIABLES,
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

export const schema = z.object({
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
  SSO_APP_ID: z
    .string()
    .trim()
    .regex(
      /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
      'SSO_APP_ID: expected the client id (a GUID) of the Entra app the Pipeline tab signs in to',
    )
    .optional(),
  BotOpenIdMetadata: z
    .string()
    .url('BotOpenIdMetadata: expected the URL of an OpenID metadata document')
    .refine((v) => v.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(v), {
      message: 'BotOpenIdMetadata: expected an https URL (http only on 127.0.0.1, ::1 or localhost)',
    })
    .optional(),
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
  TEAM_LOCALE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const locale = teamLocale(v);
      if (!locale) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `TEAM_LOCALE: expected ${SUPPORTED_LOCALES.join(' or ')} (or a tag such as tr-TR), got "${v}"`,
        });
        return z.NEVER;
      }
      return locale;
    }),
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
  /** Set by App Service: which machine (instance) of the plan this process runs on. */
  WEBSITE_INSTANCE_ID: z.string().optional(),
  RETENTION_DAYS: z
    .string()
    .regex(/^\s*[1-9]\d{0,4}\s*$/, 'RETENTION_DAYS: expected a whole number of days from 1 to 99999 (unset = keep)')
    .transform(Number)
    .optional(),
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A BCP-47 tag (`tr`, `tr-TR`, `EN-gb`) of a language we speak, as that locale; undefined for anything else. */
function teamLocale(tag: string): Locale | undefined {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim())[0];
  } catch {
    return undefined;
  }
  const locale = toLocale(canonical);
  return canonical.split('-')[0] === locale ? locale : undefined;
}

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
