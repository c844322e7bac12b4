// The kit's ingest summary: what every kind prints at the end of an ingest.
import { describe, expect, it } from "vitest";
import { emptyResult, printResult } from "../../pipelines/kit/result.ts";
import { memoryLogger } from "../../pipelines/log.ts";

describe("printResult", () => {
  it("says a file with no records loaded nothing (a header-only export), and counts the UK way", () => {
    const log = memoryLogger();
    printResult(log, {
      ...emptyResult("referrals"),
      files: [
        { file: "march.csv", rowsRead: 12_345, accepted: 12_000, rejected: 345, warnings: 0 },
        { file: "april.csv", rowsRead: 0, accepted: 0, rejected: 0, warnings: 0 },
      ],
      rowsRead: 12_345,
      accepted: 12_000,
      rejected: 345,
    });
    expect(log.lines).toEqual([
      "referrals: 12,345 read, 12,000 accepted, 345 rejected, 0 warning(s)",
      "warning: referrals: april.csv has no records (column titles only?): nothing was loaded from it — check it is the file you meant to give",
    ]);
  });
});
