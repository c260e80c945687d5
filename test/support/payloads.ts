/**
 * Partner Center lead payloads, as the webhook receives them (Partner Center's HTTPS-endpoint
 * body and its Azure Table entity; the shapes are described in src/leads/intake.ts).
 * Plain JSON values: spread them to vary a field (`{ ...contactMePayload, Description: 'x' }`), never mutate them.
 */

/** §1.3: the sample from the HTTPS-endpoint docs, verbatim (a hand-written Postman sample). */
export const docSamplePayload = {
  UserDetails: {
    FirstName: 'Some',
    LastName: 'One',
    Email: 'someone@contoso.com',
    Phone: '16175555555',
    Country: 'USA',
    Company: 'Contoso',
    Title: 'Esquire',
  },
  LeadSource: 'AzureMarketplace',
  ActionCode: 'INS',
  OfferTitle: 'Test Microsoft',
  Description: 'Test run through Power Automate',
};

/** §1.3: the pre-2020 Cloud Partner Portal sample: no ActionCode, LeadSource is free text. */
export const legacyDocSamplePayload = {
  OfferTitle: 'Test Microsoft',
  LeadSource: 'Test run through MS Flow',
  UserDetails: {
    Company: 'Contoso',
    Country: 'USA',
    Email: 'someone@contoso.com',
    FirstName: 'Some',
    LastName: 'One',
    Phone: '16175555555',
    Title: 'Esquire',
  },
};

/**
 * §1.4: the test ("validation") lead exactly as the FAQ prints it: lower-case `userDetails` and a missing comma after
 * "Contoso Test", so this text is NOT valid JSON (the webhook answers 400 to it).
 */
export const testLeadDocText = `{
    "userDetails": {
      "FirstName": "MSFT_TEST_636573304831318844",
      "LastName": "MSFT_TEST_636573304831318844",
      "Email": "MSFT_TEST_636573304831318844@test.com",
      "Phone": "1234567890",
      "Country": "US",
      "Company": "MSFT_TEST_636573304831318844",
      "Title": "MSFT_TEST_636573304831318844"
    },
    "LeadSource": "AzureMarketplace",
    "ActionCode": "INS",
    "OfferTitle": "Contoso Test"
    "Description": "MSFT_TEST_636573304831318844"
}`;

/** §1.4: the same test lead as a JS object (what it would be with the comma in place). */
export const testLeadPayload = {
  userDetails: {
    FirstName: 'MSFT_TEST_636573304831318844',
    LastName: 'MSFT_TEST_636573304831318844',
    Email: 'MSFT_TEST_636573304831318844@test.com',
    Phone: '1234567890',
    Country: 'US',
    Company: 'MSFT_TEST_636573304831318844',
    Title: 'MSFT_TEST_636573304831318844',
  },
  LeadSource: 'AzureMarketplace',
  ActionCode: 'INS',
  OfferTitle: 'Contoso Test',
  Description: 'MSFT_TEST_636573304831318844',
};

/** §2: an Azure Table lead entity; CustomerInfo is a JSON string (values illustrative, columns as observed). */
export const tableEntityPayload = {
  PartitionKey: '9:2F28:2F2018',
  RowKey: 'b7c1e2f0-3d4a-4c51-9a7e-2f1d0c9e8a61',
  Timestamp: '2018-09-28T18:24:19.7121553Z',
  ProductId: 'contoso.myoffer',
  CustomerInfo: JSON.stringify({
    FirstName: 'Avery',
    LastName: 'Tran',
    Email: 'Avery.Tran@Fabrikam.example',
    Phone: '+1 (425) 555-0142',
    Country: 'US',
    Company: 'Fabrikam',
    Title: 'VP Engineering',
  }),
  LeadSource: 'AzureMarketplace-INS|contoso.myoffer',
  ActionCode: 'INS',
  PublisherDisplayName: 'Contoso',
  OfferDisplayName: 'My Offer',
  CreatedTime: '9/28/2018 6:24:19 PM',
  Description: 'Campaigns: ',
};

/** An AppSource "Contact me" lead (PLT) with the customer's notes, HTTPS shape. */
export const contactMePayload = {
  UserDetails: {
    FirstName: 'Dana',
    LastName: 'Kowalski',
    Email: 'dana.kowalski@northwind.example',
    Phone: '+44 20 7946 0958',
    Country: 'GB',
    Company: 'Northwind Traders',
    Title: 'Head of IT',
  },
  LeadSource: 'AppSource (SPZA)-PLT|contoso.crm-suite',
  ActionCode: 'PLT',
  OfferTitle: 'Contoso CRM Suite',
  Description: 'We have 40 sellers and want pricing for the Enterprise plan.',
};

/** The same person and offer as `contactMePayload`, later starting a free trial: same dedupe key, new signal. */
export const freeTrialPayload = {
  UserDetails: { ...contactMePayload.UserDetails },
  LeadSource: 'AppSource (SPZA)-FreeTrial|contoso.crm-suite',
  ActionCode: 'FreeTrial',
  OfferTitle: 'Contoso CRM Suite',
  Description: 'Started a 30-day trial.',
};

/** A do-not-contact notice (DNC): a cross-listed partner's customer who must not be contacted. */
export const dncPayload = {
  UserDetails: {
    FirstName: 'Lee',
    LastName: 'Park',
    Email: 'lee.park@adventure-works.example',
    Country: 'KR',
    Company: 'Adventure Works',
  },
  LeadSource: 'AppSource-DNC|contoso.crm-suite',
  ActionCode: 'DNC',
  OfferTitle: 'Contoso CRM Suite',
};

/** The HTTPS shape with camelCase keys at every level, as 3P receivers model it (§1.5). */
export const camelCasePayload = {
  userDetails: {
    firstName: 'Mo',
    lastName: 'Haddad',
    email: 'mo@litware.example',
    phone: '555 0100',
    country: 'United States',
    company: 'Litware',
    title: 'CTO',
  },
  leadSource: 'AzurePortal-Create|contoso.analytics',
  actionCode: 'Create',
  offerTitle: 'Contoso Analytics',
  description: 'Purchased via Azure portal',
};

/** §2: a table row of a test drive, with the offer display name after `|` and the id in ProductId. */
export const testDriveEntityPayload = {
  PartitionKey: '3:2F14:2F2024',
  RowKey: '0f3e6a42-1c1b-4f7e-8d2c-6a0d2b9f7c10',
  ProductId: 'redhat.openshift-container-platform',
  CustomerInfo:
    '{"FirstName":"Ira","LastName":"Singh","Email":"ira@tailspin.example","Country":"IN","Company":"Tailspin"}',
  LeadSource: 'TestDrive-StartTestDrive|Red Hat OpenShift',
  ActionCode: 'StartTestDrive',
  OfferDisplayName: 'Red Hat OpenShift Container Platform',
  CreatedTime: '3/14/2024 9:02:11 AM',
  Description: ' ',
};
