/** TEAM_LOCALE: the team's language, checked at start like every setting. */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config';
import { tempDir } from './support/harness';

describe('config: TEAM_LOCALE', () => {
  const load = (TEAM_LOCALE?: string) => loadConfig({ DATA_DIR: tempDir(), TEAM_LOCALE });

  it('unset: each team speaks its installer’s language', () => {
    assert.equal(load().teamLocale, undefined);
  });

  it('takes a language we speak, as a code or a BCP-47 tag in any case', () => {
    for (const [v, expected] of [
      ['tr', 'tr'],
      ['tr-TR', 'tr'],
      ['TR', 'tr'],
      ['en', 'en'],
      ['en-gb', 'en'],
    ] as const)
      assert.equal(load(v).teamLocale, expected, v);
  });

  it('stops startup for a language we do not speak or a tag that is none, naming what it expects', () => {
    for (const v of ['de-DE', 'turkish', 'tr_TR!'])
      assert.throws(
        () => load(v),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.some((p) => p.startsWith('TEAM_LOCALE: expected en or tr') && p.includes(`"${v}"`)),
        v,
      );
  });
});
