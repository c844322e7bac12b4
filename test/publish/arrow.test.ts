// Arrow IPC page data: column names, types and values survive the trip from DuckDB to apache-arrow.
import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { queryToArrow } from "../../pipelines/publish/arrow.ts";

describe("queryToArrow", () => {
  it("binds parameters as the database's other calls do: a JavaScript array as a list", async () => {
    const db = await openDb();
    const bytes = await queryToArrow(db, `SELECT v, i::INTEGER AS i FROM unnest($codes::VARCHAR[]) WITH ORDINALITY t(v, i) WHERE i > $from ORDER BY i`, { codes: ["a", "b", "c"], from: 1 });
    expect(tableFromIPC(bytes).toArray().map((r) => r.toJSON())).toEqual([{ v: "b", i: 2 }, { v: "c", i: 3 }]);
    db.close();
  });

  it("keeps names, maps types and nulls", async () => {
    const db = await openDb();
    const bytes = await queryToArrow(
      db,
      `SELECT * FROM (VALUES (1::BIGINT, 2.5::DECIMAL(10,2), 'E01000001', DATE '2024-01-02', true, 7),
                             (2::BIGINT, NULL, 'E01000002', NULL, false, 8)) t(a, b, c, d, e, h)`,
    );
    const table = tableFromIPC(bytes);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "a:Float64",
      "b:Float64",
      "c:Dictionary<Int32, Utf8>",
      "d:Utf8",
      "e:Bool",
      "h:Int32",
    ]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      { a: 1, b: 2.5, c: "E01000001", d: "2024-01-02", e: true, h: 7 },
      { a: 2, b: null, c: "E01000002", d: null, e: false, h: 8 },
    ]);
    db.close();
  });

  it("binds parameters and writes an empty table", async () => {
    const db = await openDb();
    expect(tableFromIPC(await queryToArrow(db, "SELECT $x::INTEGER AS a", { x: 3 })).toArray()[0].a).toBe(3);
    expect(tableFromIPC(await queryToArrow(db, "SELECT 1 AS a WHERE false")).numRows).toBe(0);
    db.close();
  });
});
