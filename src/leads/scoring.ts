/**
 * Lead score (0..100) and rating. Pure and deterministic: the same signals and contact give the same score.
 */
import type { ActionKind, Contact, Qualification, Rating } from './lead';

export interface ScoreInput {
  signals: { action: ActionKind }[];
  contact: Contact;
  doNotContact: boolean;
  isTest: boolean;
  qualification?: Qualification;
}

/** Points for the strongest thing the customer did. */
const ACTION_POINTS: Readonly<Record<ActionKind, number>> = {
  purchased: 60,
  installed: 60,
  'test-drive': 45,
  'free-trial': 45,
  'contact-me': 35,
  other: 20,
  'do-not-contact': 0,
};

/** Ratings a seller's qualification pins the score into: [min, max]. */
const RATING_BANDS: Readonly<Record<Rating, readonly [number, number]>> = {
  hot: [80, 100],
  warm: [50, 79],
  cold: [0, 49],
};

/** C-level, VP, director or head-of titles: "CTO", "CISO", "Chief …", "SVP Sales", "Vice President", "Head of IT". */
const SENIOR_TITLE = /\b(c[a-z]{1,2}o|chief|[a-z]?vp|(vice )?president|director|head)\b/i;

/**
 * The rule, in order:
 * 1. A test lead (`MSFT_TEST`) or a do-not-contact notice scores 0 and is 'cold', whatever else is known.
 * 2. Base = the strongest action among the signals (ACTION_POINTS: purchased/installed 60, test-drive and
 *    free-trial 45, contact-me 35, other 20, do-not-contact 0); no signals → 0.
 * 3. +5 for each further distinct action among the signals, at most +10 (installed, then contact-me: +5).
 * 4. Completeness: email +10, phone +10, company +5, title +5, and +5 more for a senior title (C-level/VP/Director/Head).
 * 5. Clamp to 0..100.
 * 6. With a seller's qualification its rating wins and the score is clamped into that rating's band
 *    (hot 80..100, warm 50..79, cold 0..49). Otherwise the rating follows the score: ≥ 70 hot, ≥ 45 warm, else cold.
 */
export function scoreLead(input: ScoreInput): { score: number; rating: Rating } {
  if (input.isTest || input.doNotContact) return { score: 0, rating: 'cold' };

  const actions = new Set(input.signals.map((s) => s.action));
  const base = Math.max(0, ...[...actions].map((a) => ACTION_POINTS[a]));
  const variety = Math.min(10, Math.max(0, actions.size - 1) * 5);
  const score = clamp(base + variety + completeness(input.contact), 0, 100);

  if (input.qualification) {
    const rating = input.qualification.rating;
    const [min, max] = RATING_BANDS[rating];
    return { score: clamp(score, min, max), rating };
  }
  return { score, rating: score >= 70 ? 'hot' : score >= 45 ? 'warm' : 'cold' };
}

function completeness(contact: Contact): number {
  let points = 0;
  if (contact.email) points += 10;
  if (contact.phone) points += 10;
  if (contact.company) points += 5;
  if (contact.title) points += SENIOR_TITLE.test(contact.title) ? 10 : 5;
  return points;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
