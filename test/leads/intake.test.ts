import assert from 'node:assert/strict';
import { parseLeadPayload } from '../../src/leads/intake';
import { actionInWords, storefrontInWords } from '../../src/leads/source';
import { leadIdFor } from '../../src/leads/identity';
import type { ActionKind, LeadDraft, Storefront } from '../../src/leads/lead';
import type { ErrorCode } from '../../src/leads/errors';
import {
  camelCasePayload,
  contactMePayload,
  dncPayload,
  docSamplePayload,
  freeTrialPayload,
  legacyDocSamplePayload,
  tableEntityPayload,
  testDriveEntityPayload,
  testLeadDocText,
  testLeadPayload,
} from '../support/payloads';

// ─── builders ───────────────────────────────────────────────────────────────

const AT = '2024-05-06T07:08:09.000Z';

function parse(body: unknown): LeadDraft {
  const result = parseLeadPayload(body, AT);
  if (!result.ok) assert.fail(`expected a draft, got ${result.error.code}: ${result.error.message}`);
  return result.draft;
}

function refusal(body: unknown, code: ErrorCode): Record<string, unknown> {
  const result = parseLeadPayload(body, AT);
  assert.equal(result.ok, false, 'expected a refusal');
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, code, result.error.message);
  return result.error.details;
}

const someone = { Email: 'someone@contoso.com' };

describe('parseLeadPayload', () => {
  // ─── payload shapes ─────────────────────────────────────────────────────────
  describe('payload shapes', () => {
    it('reads the documented sample into a contact, an installed Azure Marketplace source and the offer title', () => {
      const d = parse(docSamplePayload);
      assert.deepEqual(d.contact, {
        firstName: 'Some',
        lastName: 'One',
        email: 'someone@contoso.com',
        phone: '16175555555',
        country: 'USA',
        company: 'Contoso',
        title: 'Esquire',
      });
      assert.deepEqual(d.source, {
        kind: 'marketplace',
        storefront: 'AzureMarketplace',
        actionCode: 'INS',
        action: 'installed',
        offer: 'Test Microsoft',
        offerTitle: 'Test Microsoft',
        leadSourceRaw: 'AzureMarketplace',
      });
      assert.equal(d.description, 'Test run through Power Automate');
      assert.equal(d.receivedAt, AT);
      assert.equal(d.isTest, false);
      assert.equal(d.doNotContact, false);
      assert.deepEqual(d.raw, docSamplePayload);
    });

    it('reads the pre-2020 sample, whose LeadSource is free text, as an Other storefront with no action', () => {
      const d = parse(legacyDocSamplePayload);
      assert.equal(d.source.storefront, 'Other');
      assert.equal(d.source.actionCode, '');
      assert.equal(d.source.action, 'other');
      assert.equal(d.source.offer, 'Test Microsoft');
      assert.equal(d.source.leadSourceRaw, 'Test run through MS Flow');
      assert.equal(d.contact.email, 'someone@contoso.com');
      assert.equal(d.description, undefined);
    });

    it('reads the test lead with lower-case userDetails and flags it as a test', () => {
      const d = parse(testLeadPayload);
      assert.equal(d.contact.email, 'MSFT_TEST_636573304831318844@test.com');
      assert.equal(d.contact.country, 'US');
      assert.equal(d.source.action, 'installed');
      assert.equal(d.source.offer, 'Contoso Test');
      assert.equal(d.isTest, true);
    });

    it('cannot read the test lead as the FAQ prints it, because the missing comma makes it invalid JSON (the webhook answers 400)', () => {
      assert.throws(() => JSON.parse(testLeadDocText), SyntaxError);
      assert.doesNotThrow(() => JSON.parse(testLeadDocText.replace('"Contoso Test"\n', '"Contoso Test",\n')));
    });

    it('reads an Azure Table entity whose CustomerInfo is a JSON string, taking the offer id from LeadSource', () => {
      const d = parse(tableEntityPayload);
      assert.deepEqual(d.contact, {
        firstName: 'Avery',
        lastName: 'Tran',
        email: 'Avery.Tran@Fabrikam.example',
        phone: '+1 (425) 555-0142',
        country: 'US',
        company: 'Fabrikam',
        title: 'VP Engineering',
      });
      assert.equal(d.source.storefront, 'AzureMarketplace');
      assert.equal(d.source.action, 'installed');
      assert.equal(d.source.offer, 'contoso.myoffer');
      assert.equal(d.source.offerTitle, 'My Offer');
      assert.equal(d.description, 'Campaigns:');
      assert.equal(d.raw.PartitionKey, '9:2F28:2F2018');
    });

    it('reads an Azure Table entity whose CustomerInfo is already an object', () => {
      const info = JSON.parse(tableEntityPayload.CustomerInfo) as Record<string, unknown>;
      const d = parse({ ...tableEntityPayload, CustomerInfo: info });
      assert.deepEqual(d.contact, parse(tableEntityPayload).contact);
    });

    it('reads a test-drive table row with the offer display name after the bar and treats a blank description as none', () => {
      const d = parse(testDriveEntityPayload);
      assert.equal(d.source.storefront, 'TestDrive');
      assert.equal(d.source.action, 'test-drive');
      assert.equal(d.source.offer, 'Red Hat OpenShift');
      assert.equal(d.source.offerTitle, 'Red Hat OpenShift Container Platform');
      assert.equal(d.description, undefined);
    });

    it('matches camelCase keys at every level like their PascalCase spelling', () => {
      const d = parse(camelCasePayload);
      assert.equal(d.contact.firstName, 'Mo');
      assert.equal(d.contact.title, 'CTO');
      assert.equal(d.source.storefront, 'AzurePortal');
      assert.equal(d.source.action, 'purchased');
      assert.equal(d.source.offer, 'contoso.analytics');
      assert.equal(d.source.offerTitle, 'Contoso Analytics');
      assert.equal(d.description, 'Purchased via Azure portal');
    });

    it('keeps unknown extra fields in raw without letting them change the lead', () => {
      const body = { ...docSamplePayload, Campaign: { mktcmpid: 'spring' }, PlanId: 'gold' };
      const d = parse(body);
      assert.deepEqual(d.raw, body);
      assert.deepEqual(d.source, parse(docSamplePayload).source);
    });

    it('accepts a payload with nothing but an email', () => {
      const d = parse({ UserDetails: someone });
      assert.deepEqual(d.contact, { email: 'someone@contoso.com' });
      assert.deepEqual(d.source, {
        kind: 'marketplace',
        storefront: 'Other',
        actionCode: '',
        action: 'other',
        offer: '',
      });
    });

    it('trims strings and treats blank and null fields as absent', () => {
      const d = parse({ UserDetails: { Email: '  a@b.example ', Phone: '   ', Company: null }, Description: '\t' });
      assert.deepEqual(d.contact, { email: 'a@b.example' });
      assert.equal(d.description, undefined);
    });
  });

  // ─── LeadSource and action codes ───────────────────────────────────────────
  describe('LeadSource forms', () => {
    const forms: [string, Storefront, string, ActionKind, string][] = [
      ['AzureMarketplace-INS|contoso.myoffer', 'AzureMarketplace', 'INS', 'installed', 'contoso.myoffer'],
      ['AppSource (SPZA)-PLT|x.y', 'AppSource', 'PLT', 'contact-me', 'x.y'],
      ['SPZA-PLT|x.y', 'AppSource', 'PLT', 'contact-me', 'x.y'],
      ['AppSource-PLT|x.y', 'AppSource', 'PLT', 'contact-me', 'x.y'],
      ['AzurePortal-Create|contoso.vm', 'AzurePortal', 'Create', 'purchased', 'contoso.vm'],
      ['TestDrive-StartTestDrive|Red Hat OpenShift', 'TestDrive', 'StartTestDrive', 'test-drive', 'Red Hat OpenShift'],
      [
        'AzureMarketplace-StartTestDrive|Red Hat OpenShift Container Platform',
        'AzureMarketplace',
        'StartTestDrive',
        'test-drive',
        'Red Hat OpenShift Container Platform',
      ],
      ['AzureMarketplace', 'AzureMarketplace', '', 'other', ''],
      ['Test run through MS Flow', 'Other', '', 'other', ''],
      ['Bing-INS|a.b-c', 'Other', 'INS', 'installed', 'a.b-c'],
    ];
    for (const [leadSource, storefront, actionCode, action, offer] of forms) {
      it(`reads “${leadSource}” as ${storefront} / ${action} / offer “${offer}”`, () => {
        const d = parse({ UserDetails: someone, LeadSource: leadSource });
        assert.deepEqual(
          {
            storefront: d.source.storefront,
            actionCode: d.source.actionCode,
            action: d.source.action,
            offer: d.source.offer,
          },
          { storefront, actionCode, action, offer },
        );
        assert.equal(d.source.leadSourceRaw, leadSource);
      });
    }
  });

  describe('action codes', () => {
    const codes: [string, ActionKind][] = [
      ['INS', 'installed'],
      ['ins', 'installed'],
      ['PLT', 'contact-me'],
      ['DNC', 'do-not-contact'],
      ['Create', 'purchased'],
      ['StartTestDrive', 'test-drive'],
      ['Trial', 'free-trial'],
      ['FreeTrial', 'free-trial'],
      ['STR', 'free-trial'],
      ['LTC', 'other'],
      ['PUR', 'other'],
    ];
    for (const [code, action] of codes) {
      it(`maps the action code ${code} to ${action}`, () => {
        const d = parse({ UserDetails: someone, ActionCode: code });
        assert.equal(d.source.action, action);
        assert.equal(d.source.actionCode, code);
      });
    }

    it('lets the explicit ActionCode win over the action inside LeadSource', () => {
      const d = parse({ UserDetails: someone, LeadSource: 'AppSource-PLT|x.y', ActionCode: 'INS' });
      assert.equal(d.source.actionCode, 'INS');
      assert.equal(d.source.action, 'installed');
    });

    it('takes the offer from LeadSource, else ProductId, else the offer title or display name', () => {
      const base = { UserDetails: someone, ProductId: 'p.id', OfferTitle: 'Title', OfferDisplayName: 'Display' };
      assert.equal(parse({ ...base, LeadSource: 'SPZA-PLT|ls.offer' }).source.offer, 'ls.offer');
      assert.equal(parse(base).source.offer, 'p.id');
      assert.equal(parse({ ...base, ProductId: undefined }).source.offer, 'Title');
      assert.equal(parse({ UserDetails: someone, OfferDisplayName: 'Display' }).source.offer, 'Display');
      assert.equal(parse({ UserDetails: someone, OfferDisplayName: 'Display' }).source.offerTitle, 'Display');
    });
  });

  // ─── flags ──────────────────────────────────────────────────────────────────
  describe('test and do-not-contact flags', () => {
    it('flags a lead as a test when MSFT_TEST appears, in any case, in the description or LeadSource alone', () => {
      assert.equal(parse({ UserDetails: someone, Description: 'msft_test_1' }).isTest, true);
      assert.equal(parse({ UserDetails: someone, LeadSource: 'MSFT_TEST_1-MSFT_TEST_1|Offer' }).isTest, true);
      assert.equal(parse({ UserDetails: { Company: 'Msft_Test_2' } }).isTest, true);
      assert.equal(parse(contactMePayload).isTest, false);
    });

    it('marks a DNC notice as do-not-contact and other actions as contactable', () => {
      assert.equal(parse(dncPayload).doNotContact, true);
      assert.equal(parse(dncPayload).source.action, 'do-not-contact');
      assert.equal(parse(contactMePayload).doNotContact, false);
    });
  });

  // ─── refusals ───────────────────────────────────────────────────────────────
  describe('refusals', () => {
    const notObjects: [unknown, string][] = [
      [[docSamplePayload], 'array'],
      ['{}', 'string'],
      [42, 'number'],
      [null, 'null'],
      [undefined, 'undefined'],
      [new Date(0), 'Date'],
    ];
    for (const [body, got] of notObjects) {
      it(`refuses a ${got} body as not an object, saying what it got`, () => {
        assert.deepEqual(refusal(body, 'webhook.not-object'), { got });
      });
    }

    it('refuses a CustomerInfo string that does not hold a JSON object', () => {
      assert.match(
        String(
          refusal({ ...tableEntityPayload, CustomerInfo: '{FirstName: Some' }, 'webhook.bad-customer-info').detail,
        ),
        /not valid JSON/,
      );
      assert.match(
        String(refusal({ ...tableEntityPayload, CustomerInfo: '["a"]' }, 'webhook.bad-customer-info').detail),
        /array/,
      );
      refusal({ ...tableEntityPayload, CustomerInfo: 7 }, 'webhook.bad-customer-info');
    });

    it('refuses a known field that is not a string, naming the field and what it got', () => {
      assert.deepEqual(refusal({ UserDetails: { Email: 42 } }, 'webhook.bad-field'), {
        field: 'UserDetails.Email',
        got: 'number',
      });
      assert.deepEqual(refusal({ UserDetails: 'x' }, 'webhook.bad-field'), { field: 'UserDetails', got: 'string' });
      assert.deepEqual(refusal({ UserDetails: someone, leadSource: ['a'] }, 'webhook.bad-field'), {
        field: 'LeadSource',
        got: 'array',
      });
      assert.deepEqual(refusal({ CustomerInfo: '{"Phone":123}' }, 'webhook.bad-field'), {
        field: 'CustomerInfo.Phone',
        got: 'number',
      });
    });

    it('refuses a lead with no email, phone, name or company and lists the accepted fields', () => {
      const details = refusal(
        { UserDetails: { Email: '  ', Country: 'US', Title: 'CTO' }, LeadSource: 'SPZA-PLT|x.y' },
        'webhook.no-contact',
      );
      assert.equal(details.fields, 'Email, Phone, FirstName, LastName or Company');
      refusal({}, 'webhook.no-contact');
      refusal({ ...tableEntityPayload, CustomerInfo: '' }, 'webhook.no-contact');
    });
  });

  // ─── identity ───────────────────────────────────────────────────────────────
  describe('dedupe key and fingerprint', () => {
    it('gives the same fingerprint to the same payload re-sent with other key casing and order', () => {
      const shuffled = {
        description: ' Test run through Power Automate ',
        offertitle: 'Test Microsoft',
        ACTIONCODE: 'INS',
        leadSource: 'AzureMarketplace',
        userdetails: {
          title: 'Esquire',
          COMPANY: 'Contoso',
          country: 'USA',
          phone: '16175555555',
          email: 'someone@contoso.com',
          lastName: 'One',
          firstName: 'Some',
        },
      };
      assert.equal(parse(shuffled).fingerprint, parse(docSamplePayload).fingerprint);
      assert.match(parse(docSamplePayload).fingerprint, /^[0-9a-f]{64}$/);
    });

    it('gives another fingerprint but the same dedupe key when only the description changes', () => {
      const a = parse(docSamplePayload);
      const b = parse({ ...docSamplePayload, Description: 'Call me tomorrow' });
      assert.notEqual(a.fingerprint, b.fingerprint);
      assert.equal(a.dedupeKey, b.dedupeKey);
    });

    it('gives a CustomerInfo string and the same object the same fingerprint', () => {
      const info = JSON.parse(tableEntityPayload.CustomerInfo) as Record<string, unknown>;
      assert.equal(
        parse({ ...tableEntityPayload, CustomerInfo: info }).fingerprint,
        parse(tableEntityPayload).fingerprint,
      );
    });

    it('keys a lead by lower-cased email and offer, else phone digits, else name and company', () => {
      assert.equal(parse(docSamplePayload).dedupeKey, 'e:someone@contoso.com|test microsoft');
      assert.equal(parse(tableEntityPayload).dedupeKey, 'e:avery.tran@fabrikam.example|contoso.myoffer');
      assert.equal(
        parse({ UserDetails: { Phone: '+1 (425) 555-0142', FirstName: 'A' }, ProductId: 'X.Y' }).dedupeKey,
        'p:14255550142|x.y',
      );
      assert.equal(
        parse({ UserDetails: { FirstName: 'Ann', LastName: 'Lee', Company: 'Fabrikam' } }).dedupeKey,
        'n:ann lee|fabrikam|',
      );
    });

    it('gives a contact-me lead and a later free trial by the same person for the same offer one dedupe key', () => {
      const contactMe = parse(contactMePayload);
      const trial = parse(freeTrialPayload);
      assert.equal(trial.source.action, 'free-trial');
      assert.equal(trial.dedupeKey, contactMe.dedupeKey);
      assert.notEqual(trial.fingerprint, contactMe.fingerprint);
    });
  });
});

describe('leadIdFor', () => {
  it('derives a stable id from the dedupe key, with a generation suffix after the first', () => {
    const key = 'e:someone@contoso.com|test microsoft';
    assert.match(leadIdFor(key, 0), /^L[0-9a-f]{24}$/);
    assert.equal(leadIdFor(key, 0), leadIdFor(key, 0));
    assert.equal(leadIdFor(key, 2), `${leadIdFor(key, 0)}-2`);
    assert.notEqual(leadIdFor(key, 0), leadIdFor('e:other@contoso.com|test microsoft', 0));
    assert.throws(() => leadIdFor(key, -1), RangeError);
  });
});

describe('actionInWords and storefrontInWords', () => {
  it('say every action and storefront in words a seller understands', () => {
    const actions: Record<ActionKind, string> = {
      'contact-me': 'Contact me',
      'free-trial': 'Free trial',
      installed: 'Installed',
      purchased: 'Purchased (Azure portal)',
      'test-drive': 'Started a test drive',
      'do-not-contact': 'Do not contact (cross-listed)',
      other: 'Other',
    };
    for (const [kind, words] of Object.entries(actions)) assert.equal(actionInWords(kind as ActionKind), words);
    const storefronts: Record<Storefront, string> = {
      AppSource: 'AppSource',
      AzureMarketplace: 'Azure Marketplace',
      AzurePortal: 'Azure portal',
      TestDrive: 'Test Drive',
      Other: 'Other',
    };
    for (const [s, words] of Object.entries(storefronts)) assert.equal(storefrontInWords(s as Storefront), words);
  });
});
