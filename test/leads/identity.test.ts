/**
 * Who a lead is about (issue 14): an email that looks the same is the same person, whatever invisible or
 * compatibility characters it carries, so a zero-width space cannot make a second lead.
 */
import assert from 'node:assert/strict';
import { dedupeKeyFor } from '../../src/leads/identity';

describe('leads/identity: the dedupe key of an email', () => {
  const key = (email: string) => dedupeKeyFor({ email }, 'Contoso.Analytics');

  it('the same email with and without a zero-width space, joiner, word joiner or BOM is one person', () => {
    for (const variant of [
      'dana\u200B@contoso.com',
      'da\u200Cna@contoso.com',
      'dana@\u200Dcontoso.com',
      'dana@contoso\u2060.com',
    ])
      assert.equal(key(variant), key('dana@contoso.com'), JSON.stringify(variant));
    assert.equal(key('\uFEFFdana@contoso.com'), 'e:dana@contoso.com|contoso.analytics');
  });

  it('full-width letters (NFKC), surrounding spaces and case do not make another person', () => {
    assert.equal(key('  ＤＡＮＡ@Contoso.COM '), key('dana@contoso.com'));
  });

  it('an email of invisible characters only is no email: the phone identifies the person', () => {
    assert.equal(dedupeKeyFor({ email: '\u200B\u200B', phone: '+1 (425) 555-0100' }, 'x'), 'p:14255550100|x');
    assert.equal(dedupeKeyFor({ phone: '＋１ ４２５' }, 'x'), 'p:1425|x');
  });

  it('a different visible email is still a different person', () => {
    assert.notEqual(key('dana@contoso.com'), key('dana2@contoso.com'));
  });
});
