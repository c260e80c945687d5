/** Whose data a request is about: exactly one of an email or a lead id, checked once; the email matched normalized. */
import assert from 'node:assert/strict';
import { isCoded } from '../../src/leads/errors';
import { dedupeKeyFor } from '../../src/leads/identity';
import { keyPrefixOf, personOf } from '../../src/privacy/person';

const refused = (body: unknown, detail: RegExp) =>
  assert.throws(
    () => personOf(body),
    (err) => isCoded(err, 'privacy.bad-request') && detail.test((err as Error).message),
  );

describe('privacy/person', () => {
  it('reads an email or a lead id, trimmed', () => {
    assert.deepEqual(personOf({ email: ' Dana@Northwind.example ' }), { email: 'Dana@Northwind.example' });
    assert.deepEqual(personOf({ leadId: 'L0123456789abcdef01234567-2' }), { leadId: 'L0123456789abcdef01234567-2' });
  });

  it('refuses a body without exactly one of them, naming what is wrong but never echoing the value', () => {
    refused({}, /got neither/);
    refused({ email: 'a@b.example', leadId: 'L1' }, /got both/);
    refused([], /not a JSON object/);
    refused('dana@northwind.example', /not a JSON object/);
    refused({ email: 'a@b.example', name: 'Dana' }, /unknown field "name"/);
    refused({ email: 42 }, /email is not an email address/);
    refused({ email: 'not an email' }, /email is not an email address/);
    refused({ leadId: '../../etc' }, /leadId is not a lead id/);
    assert.throws(
      () => personOf({ email: 'secret person@northwind.example' }),
      (err) => !(err as Error).message.includes('secret'),
    );
  });

  it("matches a person's leads as intake keys them: lower-case, trimmed, every offer", () => {
    const prefix = keyPrefixOf(' Dana@Northwind.EXAMPLE');
    assert.equal(prefix, 'e:dana@northwind.example|');
    for (const offer of ['contoso.crm', 'Contoso Analytics'])
      assert.ok(dedupeKeyFor({ email: 'dana@northwind.example' }, offer).startsWith(prefix), offer);
  });
});
