import assert from 'node:assert/strict';
import { scoreLead, type ScoreInput } from '../../src/leads/scoring';
import type { ActionKind, Contact, Rating } from '../../src/leads/lead';

// ─── builders ───────────────────────────────────────────────────────────────

const full: Contact = {
  firstName: 'Dana',
  email: 'dana@northwind.example',
  phone: '+44 20 7946 0958',
  company: 'Northwind',
  title: 'Engineer',
};

function score(actions: ActionKind[], contact: Contact = {}, extra: Partial<ScoreInput> = {}) {
  return scoreLead({
    signals: actions.map((action) => ({ action })),
    contact,
    doNotContact: false,
    isTest: false,
    ...extra,
  });
}

describe('scoreLead', () => {
  // ─── action and completeness ─────────────────────────────────────────────────
  it('scores an installed lead with email, phone, company and a plain title as hot', () => {
    assert.deepEqual(score(['installed'], full), { score: 90, rating: 'hot' });
  });

  it('scores a contact-me lead with only an email as warm', () => {
    assert.deepEqual(score(['contact-me'], { email: 'a@b.example' }), { score: 45, rating: 'warm' });
  });

  it('scores a lead with an unknown action and only a name as cold', () => {
    assert.deepEqual(score(['other'], { firstName: 'Ann' }), { score: 20, rating: 'cold' });
  });

  const base: [ActionKind, number][] = [
    ['purchased', 60],
    ['installed', 60],
    ['test-drive', 45],
    ['free-trial', 45],
    ['contact-me', 35],
    ['other', 20],
    ['do-not-contact', 0],
  ];
  for (const [action, points] of base) {
    it(`gives ${points} points for a single ${action} signal`, () => {
      assert.equal(score([action]).score, points);
    });
  }

  it('counts the strongest action, whatever the order of the signals', () => {
    assert.equal(score(['contact-me', 'purchased']).score, score(['purchased', 'contact-me']).score);
    assert.equal(score(['contact-me', 'purchased']).score, 65);
  });

  it('adds 5 per further distinct action, at most 10, and nothing for a repeated action', () => {
    assert.equal(score(['installed', 'installed', 'installed']).score, 60);
    assert.equal(score(['installed', 'contact-me']).score, 65);
    assert.equal(score(['installed', 'contact-me', 'free-trial', 'test-drive']).score, 70);
  });

  it('adds 5 more for a C-level, VP, director or head-of title, and not for other titles', () => {
    const senior = [
      'CTO',
      'CISO',
      'Chief Revenue Officer',
      'VP Sales',
      'SVP Engineering',
      'Vice President',
      'Director of IT',
      'Head of Procurement',
    ];
    for (const title of senior) assert.equal(score(['other'], { title }).score, 30, title);
    for (const title of ['Esquire', 'Engineer', 'MSFT_TEST_636573304831318844', 'Headhunter'])
      assert.equal(score(['other'], { title }).score, 25, title);
  });

  it('never scores above 100', () => {
    const r = score(['purchased', 'contact-me', 'free-trial'], { ...full, title: 'CEO' });
    assert.deepEqual(r, { score: 100, rating: 'hot' });
  });

  it('scores a lead without signals on its contact alone', () => {
    assert.deepEqual(score([], { email: 'a@b.example' }), { score: 10, rating: 'cold' });
  });

  // ─── rating thresholds ───────────────────────────────────────────────────────
  it('rates 70 and above hot, 45 to 69 warm and below 45 cold', () => {
    assert.equal(score(['test-drive'], { email: 'e', phone: 'p', company: 'c' }).rating, 'hot'); // 70
    assert.equal(score(['test-drive'], { email: 'e', phone: 'p' }).rating, 'warm'); // 65
    assert.equal(score(['test-drive']).rating, 'warm'); // 45
    assert.equal(score(['contact-me'], { company: 'c' }).rating, 'cold'); // 40
  });

  // ─── test leads and do-not-contact ───────────────────────────────────────────
  it('scores a Microsoft test lead 0 and cold however complete it is', () => {
    assert.deepEqual(score(['installed'], full, { isTest: true }), { score: 0, rating: 'cold' });
  });

  it('scores a do-not-contact notice 0 and cold, even with a qualification', () => {
    const qualification = { rating: 'hot' as Rating };
    assert.deepEqual(score(['installed'], full, { doNotContact: true, qualification }), { score: 0, rating: 'cold' });
  });

  // ─── qualification ──────────────────────────────────────────────────────────
  it('lets a seller qualification set the rating and pulls the score into its band', () => {
    assert.deepEqual(score(['other'], {}, { qualification: { rating: 'hot' } }), { score: 80, rating: 'hot' });
    assert.deepEqual(score(['installed'], full, { qualification: { rating: 'cold' } }), { score: 49, rating: 'cold' });
    assert.deepEqual(score(['other'], {}, { qualification: { rating: 'warm' } }), { score: 50, rating: 'warm' });
    assert.deepEqual(score(['installed'], full, { qualification: { rating: 'warm' } }), { score: 79, rating: 'warm' });
    assert.deepEqual(score(['installed'], {}, { qualification: { rating: 'warm' } }), { score: 60, rating: 'warm' });
  });
});
