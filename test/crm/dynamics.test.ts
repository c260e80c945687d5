/** The Dynamics 365 client against the local Entra ID and Dataverse: sign-in, upsert by alternate key, the note. */
import assert from 'node:assert/strict';
import { DynamicsClient } from '../../src/crm/dynamics';
import { isCoded } from '../../src/leads/errors';
import { LocalEntra, identityOptions } from '../support/crm/entra';
import { LocalDataverse } from '../support/crm/dataverse';
import { withProcessEnv } from '../support/crm/env';
import { ANA, makeLead } from '../support/leadFixtures';
import type { CrmRequest } from '../../src/jobs/crmHandoff';

const lead = makeLead({
  status: 'qualified',
  owner: ANA,
  qualification: { rating: 'hot', budget: '40k EUR', need: 'Margin reporting', timeframe: 'Q1' },
});
const request = (round = 1): CrmRequest => ({
  lead,
  history: [{ leadId: lead.id, at: '2026-11-24T14:06:00.000Z', verb: 'claim', actor: ANA, from: 'new', to: 'claimed' }],
  key: lead.id,
  deliveryId: `${lead.id}.${round}`,
  round,
});

describe('crm/dynamics: the Dataverse Web API client', () => {
  const entra = new LocalEntra();
  let dataverse: LocalDataverse;
  withProcessEnv(() => entra.environment);
  before(async () => {
    await entra.start();
  });
  after(() => entra.stop());
  beforeEach(async () => {
    dataverse = await new LocalDataverse(entra).start();
  });
  afterEach(() => dataverse.stop());

  const client = (columns = {}) =>
    new DynamicsClient({
      url: dataverse.url,
      leadKey: 'new_leaddeskid',
      columns,
      authorityHost: entra.authorityHost,
      identity: identityOptions(),
    });

  it('signs in with the client credentials, upserts the lead by its key and adds one note; the token is reused', async () => {
    const c = client();
    const sent = await c.send(request());
    const row = dataverse.leads.get(lead.id)!;
    assert.equal(sent.recordId, row.id);
    assert.equal(sent.url, `${dataverse.url}/main.aspx?etn=lead&pagetype=entityrecord&id=${row.id}`);
    assert.equal(row.fields.lastname, 'Müller-Lindqvist');
    assert.equal(row.fields.leadqualitycode, 1);
    assert.equal(dataverse.notesOf(row).length, 1);
    await c.send(request());
    await c.send(request(2));
    assert.equal(dataverse.leads.size, 1);
    assert.equal(row.writes, 3);
    assert.equal(dataverse.notesOf(row).length, 2, 'one note per round, a retry replaces its own');
    assert.deepEqual(
      entra.tokenRequests.map((r) => r.scope.split(' ').find((s) => s.endsWith('.default'))),
      [`${dataverse.url}/.default`],
    );
  });

  it('a column the table does not have is refused with Dataverse’s own words; a 429 says when to come back', async () => {
    await assert.rejects(client({ offer: 'new_offer' }).send(request()), (err) => {
      assert.ok(isCoded(err, 'crm.refused'));
      assert.match((err as Error).message, /Could not find a property named 'new_offer'/);
      return true;
    });
    dataverse.throttle(60_000, 7);
    await assert.rejects(
      client().send(request()),
      (err) => isCoded(err, 'crm.throttled') && (err as any).details.retryAfterMs === 7000,
    );
  });
});
