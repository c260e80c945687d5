/**
 * What a qualified lead becomes in each CRM: the Dataverse `lead` columns, the Salesforce `Lead` fields, the note
 * (BANT answers, the seller, the lead's history in Lead Desk) and the webhook's JSON (schema in README "CRM").
 * Pure: the clients beside this file send it.
 *
 * Both CRMs require a last name (and Salesforce a company); Partner Center does not always give them. Lead Desk
 * then sends NOT_PROVIDED, the placeholder Salesforce's own Web-to-Lead writes, so such leads are easy to find.
 */
import type { Lead, LeadEvent, Rating } from '../leads/lead';
import { actionInWords, storefrontInWords } from '../leads/source';
import { VERBS, isVerb } from '../leads/verbs';
import type { CrmRequest } from '../jobs/crmHandoff';

const NOT_PROVIDED = '[not provided]';

const QUALITY: Record<Rating, number> = { hot: 1, warm: 2, cold: 3 };
const RATING: Record<Rating, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };
/** Dataverse `leadsourcecode` 8 = Web: the lead came from a marketplace listing. */
const LEAD_SOURCE_WEB = 8;

const cut = (v: string | undefined, max: number) => (v && v.length > max ? v.slice(0, max) : v);

/** The offer as people know it: its title, else its id. */
function offerOf(lead: Lead): string {
  return lead.source.offerTitle || lead.source.offer || 'Unknown offer';
}

/** The customer's own words: the lead's description, else the latest signal's. */
function descriptionOf(lead: Lead): string | undefined {
  return lead.description ?? [...lead.signals].reverse().find((s) => s.description)?.description;
}

/** Partner Center's `LeadSource` as its own connectors write it: `Source-Action|Offer`. */
function partnerCenterSource(lead: Lead): string {
  const s = lead.source;
  return s.leadSourceRaw || `${s.storefront}-${s.actionCode}|${s.offer}`;
}

/** Without undefined or empty values: a column left out keeps what the CRM holds. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

/** The Dataverse `lead` row (`columns`: the team's own columns for the marketplace fields). */
export function dynamicsLead(lead: Lead, columns: Partial<Record<'offer' | 'storefront' | 'action', string>>) {
  const c = lead.contact;
  const row: Record<string, unknown> = {
    subject: cut(`${offerOf(lead)}: ${actionInWords(lead.source.action)}`, 300),
    firstname: cut(c.firstName, 50),
    lastname: cut(c.lastName, 50) || NOT_PROVIDED,
    companyname: cut(c.company, 100),
    emailaddress1: cut(c.email, 100),
    telephone1: cut(c.phone, 50),
    jobtitle: cut(c.title, 100),
    description: descriptionOf(lead),
    leadsourcecode: LEAD_SOURCE_WEB,
    leadqualitycode: QUALITY[lead.qualification?.rating ?? lead.rating],
  };
  if (columns.offer) row[columns.offer] = offerOf(lead);
  if (columns.storefront) row[columns.storefront] = storefrontInWords(lead.source.storefront);
  if (columns.action) row[columns.action] = lead.source.actionCode;
  return defined(row);
}

/** The Salesforce `Lead` fields (the External ID field is in the URL, not here). */
export function salesforceLead(lead: Lead) {
  const c = lead.contact;
  return defined({
    FirstName: cut(c.firstName, 40),
    LastName: cut(c.lastName, 80) || NOT_PROVIDED,
    Company: cut(c.company, 255) || NOT_PROVIDED,
    Email: c.email,
    Phone: cut(c.phone, 40),
    Title: cut(c.title, 128),
    Country: cut(c.country, 80),
    LeadSource: cut(partnerCenterSource(lead), 255),
    Rating: RATING[lead.qualification?.rating ?? lead.rating],
    Description: descriptionOf(lead),
  });
}

const AUTHORITY: Record<string, string> = { yes: 'Yes, they decide', no: 'No, they influence it', unknown: 'Not sure' };
const LEAD_DESK_WORDS: Record<string, string> = { remind: 'Sent a reminder', escalate: 'Escalated to the managers' };

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The note: who qualified it and how, the marketplace facts, and the lead's history in Lead Desk (oldest first). */
export function noteOf(req: CrmRequest): { subject: string; text: string } {
  const { lead } = req;
  const q = lead.qualification;
  const seller = lead.owner?.name ?? 'a seller';
  const lines = [`Qualified in Lead Desk by ${seller}, rated ${RATING[q?.rating ?? lead.rating]}.`];
  const bant: [string, string | undefined][] = [
    ['Budget', q?.budget],
    ['Need', q?.need],
    ['Timeframe', q?.timeframe],
    ['Decision maker', q?.authority ? (AUTHORITY[q.authority] ?? q.authority) : undefined],
    ['Notes', q?.notes],
  ];
  for (const [title, value] of bant) if (value?.trim()) lines.push(`${title}: ${value.trim()}`);
  lines.push(
    '',
    `Marketplace: ${actionInWords(lead.source.action)} on ${storefrontInWords(lead.source.storefront)}, offer ${offerOf(lead)}` +
      (lead.source.offer && lead.source.offer !== offerOf(lead) ? ` (${lead.source.offer})` : ''),
    `Partner Center lead source: ${partnerCenterSource(lead)}`,
    '',
    'History in Lead Desk:',
    `- ${when(lead.createdAt)} · Lead Desk · Received`,
  );
  const history = [...req.history]
    .filter((e) => !e.verb.startsWith('crm-'))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const e of history) lines.push(`- ${when(e.at)} · ${e.actor?.name ?? 'Lead Desk'} · ${eventWords(e)}`);
  lines.push('', `Lead Desk lead ${lead.id}, delivery ${req.deliveryId}`);
  return { subject: `Lead Desk: qualified by ${seller}`, text: lines.join('\n') };
}

function eventWords(e: LeadEvent): string {
  const words = isVerb(e.verb) ? VERBS[e.verb].done : (LEAD_DESK_WORDS[e.verb] ?? e.verb);
  return e.from && e.to && e.from !== e.to ? `${words} (${e.from} → ${e.to})` : words;
}

/** The webhook's body, schema `leaddesk.crm-handoff/v1` (README "CRM"). */
export function webhookBody(req: CrmRequest, sentAt: string): Record<string, unknown> {
  const { lead } = req;
  const q = lead.qualification;
  return {
    schema: 'leaddesk.crm-handoff/v1',
    event: 'lead.qualified',
    deliveryId: req.deliveryId,
    sentAt,
    lead: {
      id: req.key,
      round: req.round,
      status: lead.status,
      rating: q?.rating ?? lead.rating,
      score: lead.score,
      receivedAt: lead.createdAt,
      owner: lead.owner
        ? defined({ name: lead.owner.name, teamsId: lead.owner.id, aadObjectId: lead.owner.aadObjectId })
        : null,
      contact: defined({ ...lead.contact }),
      description: descriptionOf(lead) ?? null,
      marketplace: defined({
        storefront: lead.source.storefront,
        action: lead.source.action,
        actionCode: lead.source.actionCode,
        offer: lead.source.offer,
        offerTitle: lead.source.offerTitle,
        leadSource: partnerCenterSource(lead),
      }),
      qualification: q ? defined({ ...q }) : null,
      history: [...req.history]
        .filter((e) => !e.verb.startsWith('crm-'))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        .map((e) => defined({ at: e.at, verb: e.verb, by: e.actor?.name, from: e.from, to: e.to })),
    },
  };
}
