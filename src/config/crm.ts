/**
 * The CRM a qualified lead goes on to (issue 16): `CRM` picks the target, each target's variables are checked at
 * start, and a missing one is named. Imports nothing of ours; index.ts calls `crmSettings` with the cleaned env.
 */

export const CRM_VARIABLES = [
  'CRM',
  'DYNAMICS_URL',
  'DYNAMICS_LEAD_KEY',
  'DYNAMICS_COLUMNS',
  'AZURE_AUTHORITY_HOST',
  'SALESFORCE_URL',
  'SALESFORCE_CLIENT_ID',
  'SALESFORCE_CLIENT_SECRET',
  'SALESFORCE_LEAD_KEY',
  'CRM_WEBHOOK_URL',
  'CRM_WEBHOOK_SECRET',
] as const;

/** Marketplace fields a team may map onto its own Dynamics columns (DYNAMICS_COLUMNS). */
export const DYNAMICS_MAPPABLE = ['offer', 'storefront', 'action'] as const;

export type DynamicsColumns = Partial<Record<(typeof DYNAMICS_MAPPABLE)[number], string>>;

export type CrmSettings =
  | {
      target: 'dynamics';
      /** The organisation URL, without a trailing slash. */
      url: string;
      /** The alternate key column of `lead` holding the Lead Desk id. */
      leadKey: string;
      columns: DynamicsColumns;
      /** AZURE_AUTHORITY_HOST, for @azure/identity; unset = Microsoft Entra ID's public cloud. */
      authorityHost?: string;
    }
  | { target: 'salesforce'; url: string; clientId: string; clientSecret: string; leadKey: string }
  | { target: 'webhook'; url: string; secret: string };

const LOOPBACK_HTTP = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/i;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** The CRM settings (undefined: no CRM); every problem is pushed to `problems` as "NAME: expected X, got Y". */
export function crmSettings(env: Record<string, string | undefined>, problems: string[]): CrmSettings | undefined {
  const target = env.CRM?.trim().toLowerCase();
  if (!target || target === 'off' || target === 'none') return undefined;
  const need = (name: string, what: string): string => {
    const v = env[name]?.trim();
    if (!v) problems.push(`${name}: expected ${what} when CRM=${target}, got nothing`);
    return v ?? '';
  };
  const url = (name: string, example: string): string => {
    const v = need(name, `a URL such as ${example}`).replace(/\/+$/, '');
    if (v && !isUrl(v))
      problems.push(`${name}: expected an https URL such as ${example} (http only on loopback), got "${v}"`);
    return v;
  };
  const column = (name: string, fallback: string): string => {
    const v = env[name]?.trim() || fallback;
    if (!COLUMN.test(v)) problems.push(`${name}: expected a column name (letters, digits, _), got "${v}"`);
    return v;
  };
  switch (target) {
    case 'dynamics': {
      const authorityHost = env.AZURE_AUTHORITY_HOST?.trim() || undefined;
      if (authorityHost && !/^https:\/\//i.test(authorityHost))
        problems.push(
          `AZURE_AUTHORITY_HOST: expected an https URL such as https://login.microsoftonline.com, got "${authorityHost}"`,
        );
      return {
        target,
        url: url('DYNAMICS_URL', 'https://contoso.crm4.dynamics.com'),
        leadKey: column('DYNAMICS_LEAD_KEY', 'new_leaddeskid'),
        columns: dynamicsColumns(env.DYNAMICS_COLUMNS ?? '', problems),
        authorityHost,
      };
    }
    case 'salesforce':
      return {
        target,
        url: url('SALESFORCE_URL', 'https://contoso.my.salesforce.com'),
        clientId: need('SALESFORCE_CLIENT_ID', "the connected app's consumer key"),
        clientSecret: need('SALESFORCE_CLIENT_SECRET', "the connected app's consumer secret"),
        leadKey: column('SALESFORCE_LEAD_KEY', 'LeadDeskId__c'),
      };
    case 'webhook': {
      const secret = need('CRM_WEBHOOK_SECRET', 'a secret of at least 16 characters');
      if (secret && secret.length < 16)
        problems.push(`CRM_WEBHOOK_SECRET: expected at least 16 characters, got ${secret.length}`);
      return { target, url: url('CRM_WEBHOOK_URL', 'https://hooks.example.com/leaddesk'), secret };
    }
    default:
      problems.push(`CRM: expected dynamics, salesforce or webhook (or unset for none), got "${env.CRM}"`);
      return undefined;
  }
}

function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || LOOPBACK_HTTP.test(v);
  } catch {
    return false;
  }
}

/** DYNAMICS_COLUMNS such as "offer=new_offer,storefront=new_storefront,action=new_action"; empty = none. */
function dynamicsColumns(text: string, problems: string[]): DynamicsColumns {
  const columns: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [field, column] = part.split('=').map((p) => p.trim());
    if (!(DYNAMICS_MAPPABLE as readonly string[]).includes(field) || !column || !COLUMN.test(column)) {
      problems.push(`DYNAMICS_COLUMNS: expected field=column pairs of offer, storefront and action, got "${part}"`);
      continue;
    }
    columns[field] = column;
  }
  return columns;
}

/** The settings with the secrets masked, for the start log line. */
export function summarizeCrm(crm: CrmSettings | undefined): Record<string, unknown> | string {
  if (!crm) return '(unset: none)';
  if (crm.target === 'dynamics')
    return { target: crm.target, url: crm.url, leadKey: crm.leadKey, columns: crm.columns };
  if (crm.target === 'salesforce')
    return { target: crm.target, url: crm.url, leadKey: crm.leadKey, clientSecret: '***' };
  return { target: crm.target, url: new URL(crm.url).origin, secret: '***' };
}
