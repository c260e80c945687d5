/** The verb registry: one entry per action on a lead, and everything derived from it. */
import assert from 'node:assert/strict';
import { CARD_LIFECYCLE_VERBS, isVerb, TRANSITIONS, transitionOf, VERBS, type Verb } from '../../src/leads/verbs';
import type { LeadStatus } from '../../src/leads/lead';

const ALL_VERBS = Object.keys(VERBS) as Verb[];
const STATUSES: LeadStatus[] = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];

describe('leads/verbs', () => {
  describe('TRANSITIONS', () => {
    it('has one row per verb of VERBS, in the same order', () => {
      assert.deepEqual(
        TRANSITIONS.map((t) => t.verb),
        ALL_VERBS,
      );
    });

    it("copies each verb's from, to and who from its VERBS entry", () => {
      for (const t of TRANSITIONS) {
        const { from, to, who } = VERBS[t.verb];
        assert.deepEqual({ from: t.from, to: t.to, who: t.who }, { from, to, who }, t.verb);
      }
    });

    it('only leads from and to real statuses, with at least one role allowed', () => {
      for (const t of TRANSITIONS) {
        assert.ok(t.from.length > 0, `${t.verb} has no status it applies to`);
        for (const s of t.from) assert.ok(STATUSES.includes(s), `${t.verb} from ${s}`);
        assert.ok(t.to === 'same' || STATUSES.includes(t.to), `${t.verb} to ${t.to}`);
        assert.ok(t.who.length > 0, `${t.verb} allows nobody`);
      }
    });

    it('lets anyone in the channel claim a new lead, and only a manager reassign, reopen or erase', () => {
      assert.deepEqual(transitionOf('claim'), {
        verb: 'claim',
        from: ['new'],
        to: 'claimed',
        who: ['owner', 'manager', 'seller'],
      });
      for (const verb of ['reassign', 'reopen', 'erase']) assert.deepEqual(transitionOf(verb)?.who, ['manager'], verb);
    });

    it('lets a closed lead only be reopened or erased, and a qualified one also sent to the CRM again (retry)', () => {
      const fromClosed = TRANSITIONS.filter((t) => t.from.includes('qualified') || t.from.includes('rejected'));
      assert.deepEqual(fromClosed.map((t) => t.verb).sort(), ['erase', 'reopen', 'retry']);
      assert.deepEqual(VERBS.retry.from, ['qualified']);
      assert.equal(VERBS.retry.to, 'same');
    });

    it('can erase the personal data of a lead in any status, without changing it', () => {
      assert.deepEqual([...VERBS.erase.from].sort(), [...STATUSES].sort());
      assert.equal(VERBS.erase.to, 'same');
    });
  });

  describe('VERBS', () => {
    for (const verb of ALL_VERBS) {
      it(`gives "${verb}" its English audit words (the card's words are in the catalogs, test/i18n)`, () => {
        assert.ok(VERBS[verb].done.trim().length > 0, 'done');
      });
    }

    it('gives every verb a different History row', () => {
      const rows = ALL_VERBS.map((v) => VERBS[v].done);
      assert.equal(new Set(rows).size, rows.length);
    });
  });

  describe('CARD_LIFECYCLE_VERBS', () => {
    it('are exactly the verbs whose entry says onCard, in registry order', () => {
      assert.deepEqual(
        CARD_LIFECYCLE_VERBS,
        ALL_VERBS.filter((v) => VERBS[v].onCard),
      );
    });

    it('leave erase off every card', () => {
      assert.equal((CARD_LIFECYCLE_VERBS as readonly string[]).includes('erase'), false);
      assert.deepEqual(
        ALL_VERBS.filter((v) => !VERBS[v].onCard),
        ['erase'],
      );
    });
  });

  describe('transitionOf', () => {
    it('finds the row of a verb', () => {
      assert.deepEqual(transitionOf('release'), {
        verb: 'release',
        from: ['claimed'],
        to: 'new',
        who: ['owner', 'manager'],
      });
    });

    it('is undefined for a word that is not a verb', () => {
      assert.equal(transitionOf('nope'), undefined);
      assert.equal(transitionOf(''), undefined);
    });
  });

  describe('isVerb', () => {
    it('is true for every verb of the registry', () => {
      for (const verb of ALL_VERBS) assert.equal(isVerb(verb), true, verb);
    });

    it('is false for other words, including object built-ins and a different case', () => {
      for (const word of ['nope', '', 'Claim', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
        assert.equal(isVerb(word), false, word);
      }
    });
  });
});
