import { describe, expect, it } from "vitest";
import { ident, literal } from "../../pipelines/db/sql.ts";

describe("sql quoting", () => {
  it("doubles embedded quotes in identifiers and literals", () => {
    expect(ident('a "b"')).toBe('"a ""b"""');
    expect(literal("it's")).toBe("'it''s'");
  });
});
