// A split stored as cut-offs (cutSql) and spread again (spreadSql) gives exactly the rows of the full largest-remainder split (apportionSql), ties, zero weights and huge amounts included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { apportionSql, cutSql, spreadSql } from "../../pipelines/grants/apportion.ts";
import { mulberry32 } from "../../src/lib/random.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb();
});
afterAll(() => db?.close());

/** Groups of rows (g, k, total, w) with weights that tie, are all zero, or are large, and totals up to 10¹⁴ pence. */
async function fill(seed: number): Promise<void> {
  const rng = mulberry32(seed);
  const rows: string[] = [];
  for (let g = 0; g < 400; g++) {
    const n = 1 + Math.floor(rng() * 12);
    const kind = g % 4;
    const total = kind === 3 ? Math.floor(rng() * 1e14) : Math.floor(rng() * 2_000_000);
    for (let k = 0; k < n; k++) {
      const w = kind === 0 ? 7 : kind === 1 ? 0 : kind === 2 ? Math.floor(rng() * 5) : Math.floor(rng() * 4e9);
      rows.push(`(${g}, 'k${String(k).padStart(2, "0")}', ${total}, ${w})`);
    }
  }
  await db.run(`CREATE OR REPLACE TABLE src (g INTEGER, k VARCHAR, total BIGINT, w BIGINT)`);
  await db.run(`INSERT INTO src VALUES ${rows.join(", ")}`);
  await db.run(`CREATE OR REPLACE TABLE sums AS SELECT g, sum(w)::BIGINT AS wsum, count(*) AS n FROM src GROUP BY g`);
}

describe("apportionment kept as cut-offs", () => {
  it.each([1, 2, 3])("spreads back to the same pence as the full split (seed %i)", async (seed) => {
    await fill(seed);
    const full = await db.all(`SELECT g, k, amount::VARCHAR AS amount FROM (${apportionSql("SELECT * FROM src", "g", "total", "w", "k")}) ORDER BY g, k`);
    await db.run(`CREATE OR REPLACE TABLE cuts AS ${cutSql("SELECT * FROM src JOIN sums USING (g)", "g", "total", "w", "k", { weight: "wsum", count: "n" })}`);
    const spread = await db.all(`
      SELECT s.g, s.k, ${spreadSql("s.total", "s.w", "m.wsum", "m.n", "s.k", "c.rem_cut", "c.tie_cut")}::VARCHAR AS amount
      FROM src s JOIN sums m USING (g) LEFT JOIN cuts c USING (g) ORDER BY s.g, s.k`);
    expect(spread).toEqual(full);
    const [{ bad }] = await db.all<{ bad: number }>(`
      SELECT count(*)::INTEGER AS bad FROM (SELECT g, any_value(total) AS total, sum(amount) AS s FROM (${apportionSql("SELECT * FROM src", "g", "total", "w", "k")}) GROUP BY g) WHERE s <> total`);
    expect(bad).toBe(0);
  });
});
