// The same code on a second place: all 33 London boroughs.
import { join } from "node:path";
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { buildFromMirror, repoRoot } from "../support/pipeline.ts";

it("builds London with 4,994 LSOAs, 33 boroughs and every boundary layer", async () => {
  const built = await buildFromMirror(join(repoRoot, "data/places/london.json"));
  const db = await openDb(built.dbPath, { readOnly: true });
  try {
    const [row] = await db.all(`SELECT count(*)::INTEGER AS lsoas, count(DISTINCT lad_code)::INTEGER AS boroughs FROM lsoa`);
    expect(row).toEqual({ lsoas: 4994, boroughs: 33 });
    const layers = await db.all<{ layer: string; features: number }>(`SELECT layer, features FROM boundary ORDER BY layer`);
    expect(layers.find((l) => l.layer === "lsoa")!.features).toBe(4994);
    expect(layers.find((l) => l.layer === "lad")!.features).toBe(33);
  } finally {
    db.close();
  }
});
