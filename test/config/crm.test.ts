/** CRM settings are checked at start: a missing or bad variable of the chosen target is named. */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';
import { tempDir } from '../support/harness';

const base = () => ({ LEAD_WEBHOOK_SECRET: 'test-webhook-secret-0123456789', DATA_DIR: tempDir() });

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base(), ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config: the CRM', () => {
  it('has no CRM unless CRM is set', () => {
    assert.equal(loadConfig(base()).crm, undefined);
  });

  it('names every missing variable of the chosen target', () => {
    assert.deepEqual(problems({ CRM: 'dynamics' }), [
      'DYNAMICS_URL: expected a URL such as https://contoso.crm4.dynamics.com when CRM=dynamics, got nothing',
    ]);
    const sf = problems({ CRM: 'salesforce', SALESFORCE_URL: 'https://contoso.my.salesforce.com' });
    assert.deepEqual(
      sf.map((p) => p.split(':')[0]),
      ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET'],
    );
    assert.deepEqual(
      problems({ CRM: 'webhook', CRM_WEBHOOK_URL: 'https://hooks.example.com/x', CRM_WEBHOOK_SECRET: 'short' }),
      ['CRM_WEBHOOK_SECRET: expected at least 16 characters, got 5'],
    );
  });

  it('refuses an unknown target, a plain-http URL off this machine and a bad column mapping', () => {
    assert.match(problems({ CRM: 'hubspot' })[0], /^CRM: expected dynamics, salesforce or webhook/);
    assert.match(
      problems({ CRM: 'dynamics', DYNAMICS_URL: 'http://contoso.crm.dynamics.com' })[0],
      /^DYNAMICS_URL: expected an https URL/,
    );
    assert.match(
      problems({
        CRM: 'dynamics',
        DYNAMICS_URL: 'https://contoso.crm.dynamics.com',
        DYNAMICS_COLUMNS: 'price=new_price',
      })[0],
      /^DYNAMICS_COLUMNS: expected field=column pairs/,
    );
  });

  it('reads a complete target, with the defaults for the key fields', () => {
    const c = loadConfig({
      ...base(),
      CRM: 'Dynamics',
      DYNAMICS_URL: 'https://contoso.crm4.dynamics.com/',
      DYNAMICS_COLUMNS: 'offer=new_offer',
    });
    assert.deepEqual(c.crm, {
      target: 'dynamics',
      url: 'https://contoso.crm4.dynamics.com',
      leadKey: 'new_leaddeskid',
      columns: { offer: 'new_offer' },
      authorityHost: undefined,
    });
    const s = loadConfig({
      ...base(),
      CRM: 'salesforce',
      SALESFORCE_URL: 'http://127.0.0.1:9',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: 'secret',
    });
    assert.equal(s.crm?.target === 'salesforce' && s.crm.leadKey, 'LeadDeskId__c');
  });
});
