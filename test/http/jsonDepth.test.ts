/**
 * Depth of JSON without recursion (issue 14): brackets inside strings do not count, escaped quotes do not end a
 * string, 100,000 levels are measured without a stack overflow, and JSON inside a string counts at its place.
 */
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, textDepth, valueDepth } from '../../src/http/jsonDepth';

describe('http/jsonDepth', () => {
  it('counts objects and arrays, not brackets inside strings or after an escaped quote', () => {
    assert.equal(textDepth('{"a":[1,{"b":2}]}'), 3);
    assert.equal(textDepth('{"a":"[[[{{{"}'), 1);
    assert.equal(textDepth('{"a":"say \\"[[[\\" twice"}'), 1);
    assert.equal(textDepth('"just a string"'), 0);
  });

  it('measures 100,000 levels of text and of a parsed value without overflowing the stack', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.equal(textDepth(text), 100_000);
    assert.equal(textDepth(text, MAX_JSON_DEPTH), MAX_JSON_DEPTH + 1, 'stops counting past the limit');
    assert.equal(valueDepth(JSON.parse(text)), 100_000);
  });

  it('counts JSON held in a CustomerInfo string at its place when asked to; other text is text', () => {
    const body = { customerInfo: JSON.stringify({ a: { b: { c: 1 } } }), Description: '[[[[[[[[[[ urgent' };
    assert.equal(valueDepth(body), 1);
    assert.equal(valueDepth(body, { jsonIn: 'CustomerInfo' }), 4);
  });
});
