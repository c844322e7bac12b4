// The equity stage writes documented `equity` and `equity_decile` tables (names and types asserted), replaces them on a re-run, and the publish layer sends the same rows as Parquet.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { ALL, computeEquity } from "../../pipelines/equity/compute.ts";
import { equityStage } from "../../pipelines/equity/stage.ts";
import { equityTables } from "../../pipelines/equity/tables.ts";
import { equityDeciles, equityGroups, equityMeta } from "../../pipelines/publish/equity.ts";
import { memoryLogger } from "../../pipelines/log.ts";
import { readArrow } from "../support/arrow.ts";
import { equityDb, tenDeciles } from "./helpers.ts";

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

async function fixture(): Promise<Db> {
  const lsoas = tenDeciles();
  return equityDb({
    lsoas,
    rounds: [{ id: "r1", name: "One", seq: 0, synthetic: true }, { id: "r2", name: "Two", seq: 1, synthetic: true }],
    grants: [
      { id: "g1", round: "r1", lsoas: { [lsoas[0].code]: 40_000, [lsoas[6].code]: 10_000 }, funders: { NHS: 30_000, philanthropy: 20_000 } },
      { id: "g2", round: "r2", lsoas: { [lsoas[1].code]: 25_000 } },
    ],
  });
}

describe("equityStage", () => {
  it("creates equity and equity_decile with the documented columns and types, and comments on every column", async () => {
    db = await fixture();
    const log = memoryLogger();
    const stage = equityStage(log);
    expect(stage.name).toBe("equity of spend");
    await stage.run(db);
    for (const t of equityTables) {
      const cols = await db.all<{ name: string; type: string; comment: string | null }>(
        `SELECT column_name AS name, data_type AS type, comment FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index`,
        { t: t.name },
      );
      expect(cols.map((c) => [c.name, c.type])).toEqual(t.columns.map(([n, type]) => [n, type]));
      expect(cols.every((c) => c.comment && c.comment.length > 5)).toBe(true);
    }
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM equity`);
    const [{ d }] = await db.all<{ d: number }>(`SELECT count(*)::INTEGER AS d FROM equity_decile`);
    expect(d).toBe(n * 10);
    const [place] = await db.all<{ core20_spend_share: number; headline: string }>(
      `SELECT core20_spend_share, headline FROM equity WHERE layer = 'place' AND round_id = 'r2' AND funder_type = $all`,
      { all: ALL },
    );
    expect(place.core20_spend_share).toBe(1);
    expect(place.headline).toBe("In round 2, 100% of spend reached Core20 neighbourhoods, home to 20% of residents.");
    expect(log.lines.join("\n")).toMatch(/^equity: \d+ groups \(2 round\(s\), 2 funder type\(s\)\); Across all rounds, 87% of spend/m);
  });

  it("replaces the tables when the grants change (a re-run after a new ingest), leaving no stale rows", async () => {
    db = await fixture();
    await equityStage().run(db);
    await db.run(`DELETE FROM grant_lsoa WHERE grant_id = 'g2'`);
    await db.run(`DELETE FROM grant_funder_type WHERE grant_id = 'g2'`);
    await db.run(`DELETE FROM grants WHERE grant_id = 'g2'`);
    await equityStage().run(db);
    const rounds = await db.all<{ round_id: string }>(`SELECT DISTINCT round_id FROM equity ORDER BY 1`);
    expect(rounds.map((r) => r.round_id)).toEqual([ALL, "r1"]);
  });
});

describe("publish: equity for the page", () => {
  it("sends the computed rows as Arrow IPC (same rows, same order) and the rounds and coverage as JSON", async () => {
    db = await fixture();
    const result = await computeEquity(db);
    const groups = readArrow(await equityGroups(db));
    const rows = groups.rows as { layer: string; round_id: string; funder_type: string; concentration_index: number | null; synthetic: boolean }[];
    expect(rows.map((g) => [g.layer, g.round_id, g.funder_type])).toEqual(result.rows.map((g) => [g.layer, g.round_id, g.funder_type]));
    expect(rows.map((g) => g.concentration_index)).toEqual(result.rows.map((g) => g.concentration_index));
    expect(groups.columns.find(([name]) => name === "synthetic")?.[1]).toBe("BOOLEAN");
    expect(groups.columns.find(([name]) => name === "grants")?.[1]).toBe("INTEGER");
    expect(readArrow(await equityDeciles(db)).rows).toHaveLength(result.deciles.length);
    const meta = JSON.parse(await equityMeta(db));
    expect(meta).toMatchObject({ hasGrants: true, place: { id: "test-place", name: "Test Place" }, synthetic: true, funderTypes: ["NHS", "philanthropy"], unrankedSpend: 0 });
    expect(meta.rounds.map((r: { round_id: string }) => r.round_id)).toEqual(["r1", "r2"]);
    expect(meta.coverage).toEqual([
      { round_id: ALL, grants: 2, awarded: 750, placed: 750 },
      { round_id: "r1", grants: 1, awarded: 500, placed: 500 },
      { round_id: "r2", grants: 1, awarded: 250, placed: 250 },
    ]);
    expect(meta.ciNote).toMatch(/No confidence interval/);
  });
});
