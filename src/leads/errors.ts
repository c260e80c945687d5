/**
 * Every coded error of Lead Desk in one table: code → HTTP status + a human sentence with {placeholders}.
 * The 4xx body, a refusal card and a log line reuse the sentence; code and tests branch on the code only.
 * Declared `as const` so a mistyped code does not compile.
 */
export const ERRORS = {
  // webhook (intake)
  'webhook.unauthorized': {
    status: 401,
    message: 'Missing or wrong webhook secret: pass it as ?code=<secret> or "Authorization: Bearer <secret>".',
  },
  'webhook.too-large': { status: 413, message: 'The request body is larger than {limit} bytes.' },
  'webhook.not-json': { status: 400, message: 'The request body is not valid JSON: {detail}.' },
  'webhook.not-object': {
    status: 400,
    message: 'The request body must be a JSON object (a Partner Center lead), got {got}.',
  },
  'webhook.bad-customer-info': {
    status: 400,
    message: 'CustomerInfo must be a JSON object or a string holding one: {detail}.',
  },
  'webhook.no-contact': { status: 422, message: 'The lead has no contact: expected at least one of {fields}.' },
  'webhook.bad-field': { status: 422, message: 'Field {field} must be a string, got {got}.' },
  'webhook.unsupported-media': { status: 415, message: 'Send the lead as application/json, got {got}.' },
  'webhook.too-deep': { status: 400, message: 'The JSON is nested deeper than {limit} levels.' },
  // store
  'store.unavailable': { status: 503, message: 'The lead store is not reachable right now; retry shortly.' },
  'store.conflict': { status: 409, message: 'The lead changed while we were writing it; retry.' },
  'store.failed': { status: 500, message: 'The lead store failed: {detail}.' },
  // a full, read-only or failing disk is store.unavailable; a corrupt file is store.damaged (issue 14)
  'store.damaged': {
    status: 503,
    message: 'The lead store is damaged ({detail}); an operator must restore it from a backup.',
  },
  'store.checking': { status: 503, message: 'The lead store is being checked after the start; ready shortly.' },
  'store.driver-missing': {
    status: 500,
    message:
      'The SQLite driver (better-sqlite3) did not load ({detail}). Fix: run `npm rebuild better-sqlite3` (npm 12 skips install scripts not listed in package.json allowScripts).',
  },
  // the process: its store not open yet, or shutting down (rolling deploys, issue 13)
  'service.starting': { status: 503, message: 'Lead Desk is starting and its store is not open yet; retry shortly.' },
  'service.stopping': { status: 503, message: 'This Lead Desk instance is shutting down; retry shortly.' },
  // delivery
  'teams.throttled': { status: 429, message: 'Teams throttled the bot; retry after {retryAfterMs} ms.' },
  'teams.unavailable': { status: 502, message: 'Teams could not be reached: {detail}.' },
  'teams.not-in-conversation': { status: 403, message: 'The bot is no longer a member of that channel.' },
  'teams.rejected': { status: 400, message: 'Teams rejected the message with {status}: {detail}.' },
  'teams.too-large': { status: 413, message: 'Teams refused the message as too large ({status}).' },
  'reminder.no-card': { status: 409, message: 'The lead card is not in Teams yet; the reminder waits for it.' },
  // the CRM handoff (issue 16): retry, retry after, stop and show on the card
  'crm.unavailable': { status: 502, message: 'The CRM could not be reached: {detail}.' },
  'crm.throttled': { status: 429, message: 'The CRM asked Lead Desk to slow down; retrying after {retryAfterMs} ms.' },
  'crm.unauthorized': {
    status: 502,
    message: "The CRM refused Lead Desk's sign-in ({status}): check the application user or connected app.",
  },
  'crm.refused': { status: 422, message: 'The CRM refused it: {message}' },
  'crm.not-refused': { status: 409, message: 'The CRM has not refused this lead: there is nothing to retry.' },
  // config
  'config.invalid': { status: 500, message: 'Invalid configuration: {detail}.' },
  // card actions (issue 4)
  'action.unknown-verb': { status: 400, message: 'This button is not something Lead Desk knows ({verb}).' },
  'action.missing-lead-id': { status: 400, message: 'This card does not say which lead it is about.' },
  'action.lead-not-found': { status: 404, message: 'That lead no longer exists.' },
  'action.input-too-long': { status: 400, message: '{field} is too long: at most {max} characters.' },
  'action.invalid-input': { status: 400, message: '{detail}' },
  'action.not-saved': { status: 503, message: 'Could not save, try again in a moment.' },
  'lead.already-claimed': { status: 409, message: 'Already claimed by {owner}.' },
  'lead.not-owner': { status: 403, message: 'Only {owner} (the owner) or a manager can {verb} this lead.' },
  'lead.managers-only': { status: 403, message: 'Only a manager can {verb} a lead.' },
  // {verb} and {status} in the lead.* refusals are keys ('touch', 'nurturing'): the card's words are in the catalogs
  // (locales/, `verb.<verb>.can`, `status.<status>`; src/teams/views/leadViews.ts `refusalText`)
  'lead.wrong-status': { status: 409, message: 'This lead is {status}; you cannot {verb} it now.' },
  'lead.reason-required': { status: 400, message: 'Pick a reason to reject the lead.' },
  'lead.do-not-contact': { status: 409, message: 'This is a do-not-contact notice, not a lead to work.' },
  'lead.already-yours': { status: 409, message: 'You already own this lead.' },
  'lead.owner-only': { status: 403, message: 'Only {owner} (the owner) can {verb} this lead.' },
  'lead.test-lead': { status: 409, message: 'This is a Partner Center test lead, not a lead to work.' },
  'lead.erased': { status: 409, message: 'The personal data of this lead was erased: there is nobody to contact.' },
  // pipeline API and tab (issue 9)
  'pipeline.bad-range': { status: 400, message: 'range must be one of {allowed}, got "{got}".' },
  'pipeline.bad-storefront': {
    status: 400,
    message: 'storefront must be appsource or azure (or left out for both), got "{got}".',
  },
  'pipeline.bad-offer': { status: 400, message: 'offer must be at most {max} characters of an offer id or title.' },
  'pipeline.bad-parameter': {
    status: 400,
    message: 'Unknown or repeated parameter {name}: expected range, storefront and offer, each at most once.',
  },
  'pipeline.unauthorized': {
    status: 401,
    message: 'Sign in through Teams: expected "Authorization: Bearer <Teams SSO token>" ({detail}).',
  },
  'pipeline.forbidden': {
    status: 403,
    message:
      'Only sales managers can see the pipeline; ask a manager of your team to type "managers add @you" in a channel.',
  },
  'pipeline.keys-unavailable': {
    status: 503,
    message: "Microsoft Entra ID's signing keys could not be fetched to check the sign-in; retry shortly.",
  },
  'pipeline.local-key': {
    status: 403,
    message:
      'Without MicrosoftAppId the pipeline needs the local access key: open the tab with the link npm run dev or npm start prints (?key=…; the key is in DATA_DIR/local-key).',
  },
  // POST /api/messages: who may post activities (issue 14)
  'bot.bad-activity': {
    status: 400,
    message: 'The request body is not a Bot Framework activity (a JSON object with a type).',
  },
  'bot.unauthorized': {
    status: 401,
    message:
      'Only the Bot Framework may post activities: expected "Authorization: Bearer <token>" it signed for this bot.',
  },
  'bot.keys-unavailable': {
    status: 503,
    message: "The Bot Framework's signing keys could not be fetched to check the token; retry shortly.",
  },
  'bot.local-channel-only': {
    status: 403,
    message:
      "Without MicrosoftAppId the bot talks only to a channel on this machine: the activity's serviceUrl must be a loopback address.",
  },
  'bot.failed': { status: 500, message: 'The bot could not process the activity.' },
  'bot.too-deep': { status: 400, message: 'The activity is nested deeper than {limit} levels.' },
  // personal data: erase and export (issue 14)
  'privacy.bad-request': {
    status: 400,
    message: 'Send a JSON object with exactly one of "email" (an email address) or "leadId" (a lead id): {detail}.',
  },
  'privacy.unauthorized': {
    status: 401,
    message: 'Pass the webhook secret ("Authorization: Bearer <secret>") or a manager\'s Teams SSO token ({detail}).',
  },
  'privacy.forbidden': {
    status: 403,
    message:
      'Only sales managers can erase or export personal data; ask a manager of your team to add you ("managers add @you").',
  },
  'privacy.managers-only': {
    status: 403,
    message: 'Only a sales manager (MANAGER_IDS) can erase personal data.',
  },
  // a team's managers: `managers add|remove @name` (issue 13)
  'managers.managers-only': { status: 403, message: 'Only a manager of this team can change its managers.' },
  'managers.no-mention': { status: 400, message: 'Say who: @mention them, e.g. "managers add @Ana".' },
  'managers.last': {
    status: 409,
    message: 'A team keeps at least one manager: add another one before removing the last.',
  },
  'managers.global': {
    status: 409,
    message: '{name} manages every team through MANAGER_IDS; an admin changes that setting.',
  },
  'managers.too-many': { status: 409, message: 'A team can have at most {max} managers.' },
  'managers.team-only': {
    status: 400,
    message: 'Managers are kept per team: use this command in a channel of the team.',
  },
  'managers.no-team': { status: 404, message: 'Lead Desk has no record of this team yet; reinstall the app.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code, an HTTP status and a sentence fit for a user. */
export class LeadDeskError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly innerError?: unknown;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, innerError?: unknown) {
    super(formatMessage(code, params));
    this.name = 'LeadDeskError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = params;
    this.innerError = innerError;
  }
}

export function formatMessage(code: ErrorCode, params: Record<string, unknown> = {}): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

export function isCoded(err: unknown, code?: ErrorCode): boolean {
  return err instanceof LeadDeskError && (code === undefined || err.code === code);
}

/** Any error as a coded one: a coded error as it is, anything else as `store.failed` with the original attached. */
export function toCoded(err: unknown): LeadDeskError {
  return err instanceof LeadDeskError ? err : new LeadDeskError('store.failed', { detail: 'unexpected error' }, err);
}

/** The store failed or cannot read or write right now (full or damaged disk, a lock held too long). */
export function isStoreError(err: unknown): err is LeadDeskError {
  return err instanceof LeadDeskError && err.code.startsWith('store.');
}

/** How long a client should wait before asking the store again (a full disk, a restore): `Retry-After` on its 503s. */
export const STORE_RETRY_AFTER_S = 30;

/** How long a client should wait before asking again, for a 503: the store 30 s, an identity provider 10 s. */
export function retryAfterSeconds(err: LeadDeskError): number | undefined {
  if (err.status !== 503) return undefined;
  return err.code.startsWith('store.') ? STORE_RETRY_AFTER_S : 10;
}
