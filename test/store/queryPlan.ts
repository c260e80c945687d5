/** The SQLite query-plan check both SQLite test files use: a scheduled query reads its index, never the whole table. */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';

/** EXPLAIN QUERY PLAN of `sql` on the file: it must use `index`, scan no whole `leads` table and sort nothing aside. */
export function assertReadsIndex(file: string, sql: string, params: Record<string, unknown>, index: string): void {
  const db = new Database(file, { readonly: true });
  try {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...params, limit: 10 }) as { detail: string }[]).map(
      (r) => r.detail,
    );
    assert.ok(
      plan.some((d) => d.includes(index)),
      plan.join('\n'),
    );
    assert.ok(!plan.some((d) => /^SCAN leads\b(?! USING)/.test(d)), `a full scan of leads:\n${plan.join('\n')}`);
    assert.ok(!plan.some((d) => d.includes('TEMP B-TREE')), `sorts outside the index:\n${plan.join('\n')}`);
  } finally {
    db.close();
  }
}
