/** Realistic leads for card and lifecycle tests. All times are fixed so cards render the same every run. */
import type { Lead, LeadEvent } from '../../src/leads/lead';

export const FIXTURE_CREATED_AT = '2026-11-24T14:05:00.000Z';
/** Two minutes after the fixture lead arrived. */
export const FIXTURE_NOW = new Date('2026-11-24T14:07:00.000Z');

export const ANA = { id: '29:1a2b3c-ana', aadObjectId: '00000000-0000-0000-0000-0000000000a1', name: 'Ana Souza' };

/** A new, hot AppSource "Contact me" lead with full contact data, not yet posted. */
export function makeLead(overrides: Partial<Lead> = {}): Lead {
  const raw = {
    LeadSource: 'AppSource|Contact me|contoso.lead-desk-analytics',
    ActionCode: 'Create',
    OfferTitle: 'Contoso Analytics for Dynamics 365',
    CustomerInfo: { FirstName: 'Jamie', LastName: 'Müller-Lindqvist', Email: 'jamie.mueller@fabrikam.example' },
  };
  return {
    id: 'lead-7f3a9c2e',
    type: 'lead',
    dedupeKey: 'e:jamie.mueller@fabrikam.example|contoso.lead-desk-analytics',
    generation: 0,
    source: {
      kind: 'marketplace',
      storefront: 'AppSource',
      actionCode: 'Create',
      action: 'contact-me',
      offer: 'contoso.lead-desk-analytics',
      offerTitle: 'Contoso Analytics for Dynamics 365',
      leadSourceRaw: raw.LeadSource,
    },
    contact: {
      firstName: 'Jamie',
      lastName: 'Müller-Lindqvist',
      email: 'jamie.mueller@fabrikam.example',
      phone: '+49 30 1234 5678',
      country: 'DE',
      company: 'Fabrikam Logistics GmbH',
      title: 'Head of Finance Operations',
    },
    description:
      'We run Dynamics 365 Finance in 14 countries and need consolidated margin reporting per warehouse. ' +
      'Could someone walk us through pricing for about 250 users and whether the connector supports our on-premises SQL Server?',
    isTest: false,
    doNotContact: false,
    status: 'new',
    score: 82,
    rating: 'hot',
    signals: [
      {
        at: FIXTURE_CREATED_AT,
        actionCode: 'Create',
        action: 'contact-me',
        storefront: 'AppSource',
        description:
          'We run Dynamics 365 Finance in 14 countries and need consolidated margin reporting per warehouse.',
        fingerprint: 'a3f1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1',
      },
    ],
    sla: { claimBy: '2026-11-24T16:05:00.000Z' },
    delivery: { state: 'pending', attempts: 0, nextAttemptAt: FIXTURE_CREATED_AT },
    rev: 1,
    raw: [raw],
    createdAt: FIXTURE_CREATED_AT,
    updatedAt: FIXTURE_CREATED_AT,
    ...overrides,
  };
}

export interface NamedLead {
  name: string;
  lead: Lead;
}

/** One lead per status and per special case the cards must handle. */
export function leadInEveryStatus(): NamedLead[] {
  const claimedAt = '2026-11-24T14:07:00.000Z';
  return [
    { name: 'new', lead: makeLead() },
    { name: 'claimed', lead: makeLead({ status: 'claimed', owner: ANA, claimedAt, rev: 2 }) },
    {
      name: 'nurturing',
      lead: makeLead({
        status: 'nurturing',
        owner: ANA,
        claimedAt,
        rating: 'warm',
        nurture: {
          nextTouchAt: '2026-12-01T09:00:00.000Z',
          cadence: 'weekly',
          touches: [{ at: '2026-11-24T15:00:00.000Z', by: ANA.id }],
        },
        rev: 3,
      }),
    },
    {
      name: 'qualified',
      lead: makeLead({
        status: 'qualified',
        owner: ANA,
        claimedAt,
        qualification: { budget: '40k EUR', need: 'margin reporting', timeframe: 'Q1', rating: 'hot' },
        rev: 3,
      }),
    },
    {
      name: 'rejected',
      lead: makeLead({
        status: 'rejected',
        owner: ANA,
        claimedAt,
        rating: 'cold',
        rejection: { reason: 'not-a-fit' },
        rev: 3,
      }),
    },
    {
      name: 'do not contact',
      lead: makeLead({
        doNotContact: true,
        rating: 'cold',
        source: { ...makeLead().source, actionCode: 'DNC', action: 'do-not-contact' },
        description: undefined,
        signals: [{ ...makeLead().signals[0], actionCode: 'DNC', action: 'do-not-contact', description: undefined }],
      }),
    },
    {
      name: 'test lead',
      lead: makeLead({
        isTest: true,
        rating: 'cold',
        contact: { firstName: 'Test', lastName: 'Lead', email: 'test@example.com' },
        description: 'This is a test lead from Partner Center.',
      }),
    },
    {
      name: 'minimal contact (email only) with merged signals',
      lead: makeLead({
        contact: { email: 'someone@contoso.example' },
        description: undefined,
        rating: 'warm',
        source: {
          kind: 'marketplace',
          storefront: 'AzureMarketplace',
          actionCode: 'Create',
          action: 'contact-me',
          offer: 'contoso.vm-offer',
        },
        signals: [
          { ...makeLead().signals[0], storefront: 'AzureMarketplace', description: undefined },
          {
            at: '2026-11-24T14:06:00.000Z',
            actionCode: 'PLT',
            action: 'free-trial',
            storefront: 'AzureMarketplace',
            fingerprint: 'b'.repeat(64),
          },
        ],
      }),
    },
  ];
}

// ─── owners, managers and worked leads (views and history) ─────────────────

export const BEN = { id: '29:4d5e6f-ben', aadObjectId: '00000000-0000-0000-0000-0000000000b2', name: 'Ben Okafor' };
/** A sales manager: can reassign and reopen. */
export const MAYA = {
  id: '29:7a8b9c-maya',
  aadObjectId: '00000000-0000-0000-0000-0000000000c3',
  name: 'Maya Lindqvist',
};
/** The channel's roster as TeamsInfo returns it (id + name). */
export const TEAM = [ANA, BEN, MAYA, { id: '29:0d0e0f-chen', name: 'Chen Wei' }].map(({ id, name }) => ({ id, name }));

const CLAIMED_AT = '2026-11-24T14:07:00.000Z';

/** The story's lead: Ana claimed it two minutes after it arrived. */
export function claimedByAna(overrides: Partial<Lead> = {}): Lead {
  return makeLead({ status: 'claimed', owner: ANA, claimedAt: CLAIMED_AT, rev: 2, ...overrides });
}

/** Nurturing, with two touches logged and the next one due on 1 Dec. */
export function nurturingWithTouches(): Lead {
  return claimedByAna({
    status: 'nurturing',
    rating: 'warm',
    nurture: {
      nextTouchAt: '2026-12-01T09:00:00.000Z',
      cadence: 'weekly',
      note: 'Budget decision after their board meeting',
      touches: [
        { at: '2026-11-24T15:00:00.000Z', by: 'Ana Souza', note: 'Intro call, sent pricing' },
        { at: '2026-11-26T10:30:00.000Z', by: 'Ana Souza', note: 'Follow-up email' },
      ],
    },
    rev: 5,
  });
}

export function qualifiedLead(): Lead {
  return claimedByAna({
    status: 'qualified',
    qualification: {
      budget: '40k EUR a year',
      need: 'Margin reporting per warehouse',
      timeframe: 'Go-live in Q1',
      authority: 'yes',
      rating: 'hot',
      notes: 'CFO joins the demo on Tuesday',
    },
    rev: 4,
  });
}

export function rejectedLead(): Lead {
  return claimedByAna({
    status: 'rejected',
    rating: 'cold',
    rejection: { reason: 'no-budget', notes: 'Frozen until next fiscal year' },
    rev: 4,
  });
}

/** The audit trail of `nurturingWithTouches()`, oldest first (the store returns newest first; views must not care). */
export function nurtureEvents(leadId = makeLead().id): LeadEvent[] {
  return [
    { leadId, at: CLAIMED_AT, verb: 'claim', actor: ANA, from: 'new', to: 'claimed', data: {} },
    {
      leadId,
      at: '2026-11-24T15:00:00.000Z',
      verb: 'touch',
      actor: ANA,
      from: 'claimed',
      to: 'claimed',
      data: { note: 'Intro call, sent pricing', nextTouchAt: '2026-11-26T09:00:00.000Z' },
    },
    {
      leadId,
      at: '2026-11-24T15:02:00.000Z',
      verb: 'nurture',
      actor: ANA,
      from: 'claimed',
      to: 'nurturing',
      data: { nextTouchAt: '2026-11-26T09:00:00.000Z', note: 'Budget decision after their board meeting' },
    },
    {
      leadId,
      at: '2026-11-26T10:30:00.000Z',
      verb: 'touch',
      actor: ANA,
      from: 'nurturing',
      to: 'nurturing',
      data: { note: 'Follow-up email', nextTouchAt: '2026-12-01T09:00:00.000Z' },
    },
  ];
}

/** What happened next: a manager handed the lead to Ben, who rejected it (follows `nurtureEvents()`). */
export function handOverEvents(leadId = makeLead().id): LeadEvent[] {
  return [
    {
      leadId,
      at: '2026-11-27T08:15:00.000Z',
      verb: 'reassign',
      actor: MAYA,
      from: 'nurturing',
      to: 'claimed',
      data: { to: BEN },
    },
    {
      leadId,
      at: '2026-11-27T08:20:00.000Z',
      verb: 'reject',
      actor: BEN,
      from: 'claimed',
      to: 'rejected',
      data: { reason: 'no-budget', notes: 'Frozen until next fiscal year' },
    },
  ];
}
