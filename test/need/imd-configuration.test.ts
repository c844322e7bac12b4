// The IMD as one configuration of the need-index engine reproduces the published IMD 2025 ranks from the seven domain ranks.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { file7Columns, sourceById } from "../../pipelines/sources.ts";
import { computeNeedIndex, imdComponents, IMD_2025_WEIGHTS } from "../../src/lib/need-index.ts";

/*
 * Published: MHCLG, English Indices of Deprivation 2025, File 7 (all ranks, scores, deciles), 30 Oct 2025,
 * https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025 — the mirror's copy in the official
 * layout. The technical report combines the seven domains' exponentially transformed ranks with the weights
 * 22.5/22.5/13.5/13.5/9.3/9.3/9.3% and ranks the sum; this test rebuilds that from the published domain ranks.
 */
const mirror = process.env.CHEST_MIRROR ?? "/work/shared/data";
const domains = Object.keys(IMD_2025_WEIGHTS);

describe("the IMD configuration against published IMD 2025 ranks", () => {
  let codes: string[];
  let lads: string[];
  let published: Int32Array;
  let ours: Int32Array;
  beforeAll(async () => {
    const db = await openDb();
    const file = join(mirror, sourceById("iod2025-file7").mirrorPath!);
    const col = (key: string) => `"${file7Columns[key].replaceAll('"', '""')}"`;
    const rows = await db.all<Record<string, string | number>>(
      `SELECT ${col("lsoa21cd")} AS code, ${col("lad_code")} AS lad, CAST(${col("imd_rank")} AS INTEGER) AS imd,
              ${domains.map((d) => `CAST(${col(`${d}_rank`)} AS INTEGER) AS ${d}`).join(", ")}
       FROM read_csv(${literal(file)}, header = true, all_varchar = true) ORDER BY code`,
    );
    db.close();
    const n = rows.length;
    codes = rows.map((r) => r.code as string);
    lads = rows.map((r) => r.lad as string);
    published = Int32Array.from(rows, (r) => r.imd as number);
    const ranks = Object.fromEntries(domains.map((d) => [d, Float64Array.from(rows, (r) => r[d] as number)]));
    ours = computeNeedIndex(imdComponents(ranks, n), n).rank;
  });

  it("covers all 33,755 LSOAs in England", () => {
    expect(codes.length).toBe(33755);
  });

  it("reproduces the published rank of every LSOA in the demo place (north east London, 1,087 LSOAs)", () => {
    const place = new Set(loadPlace().localAuthorities.map((l) => l.code));
    const mismatched: string[] = [];
    let count = 0;
    codes.forEach((code, i) => {
      if (!place.has(lads[i])) return;
      count++;
      if (ours[i] !== published[i]) mismatched.push(`${code}: ours ${ours[i]}, published ${published[i]}`);
    });
    expect(count).toBe(1087);
    expect(mismatched).toEqual([]);
  });

  it("reproduces the published rank of 33,753 of England's 33,755 LSOAs, the other two within 1 place", () => {
    let exact = 0;
    let worst = 0;
    for (let i = 0; i < codes.length; i++) {
      if (ours[i] === published[i]) exact++;
      worst = Math.max(worst, Math.abs(ours[i] - published[i]));
    }
    const off = codes.filter((_, i) => ours[i] !== published[i]);
    console.info(`IMD 2025 configuration: ${exact} of ${codes.length} published ranks reproduced exactly (${off.join(", ")} off by ${worst})`);
    expect(exact).toBeGreaterThanOrEqual(33753);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
