// Small in-memory DuckDB fixtures for the equity tests: the few columns of lsoa, iod2025, meta and the grant tables that equity reads.
import { openDb, type Db } from "../../pipelines/db/connection.ts";

export interface FixtureLsoa {
  code: string;
  lad: string;
  ladName: string;
  partnership: string | null;
  population: number;
  decile: number | null;
}

export interface FixtureGrant {
  id: string;
  round: string | null;
  /** Pence per LSOA code; the grant's amount is their sum plus `elsewhere`. */
  lsoas: Record<string, number>;
  /** Pence not placed in the place (outside or wide area). */
  elsewhere?: number;
  /** Pence per funder type; must add up to the grant's amount. Default: all "NHS". */
  funders?: Record<string, number>;
}

export interface FixtureRound {
  id: string;
  name: string;
  seq: number;
  synthetic?: boolean;
}

/** Ten LSOAs, one per national decile, 1,000 residents each, in one borough (a name with awkward characters). */
export function tenDeciles(lad = "E09000099", ladName = "Barking & O'Dagenham / Test", partnership: string | null = "Partnership \"A\""): FixtureLsoa[] {
  return Array.from({ length: 10 }, (_, i) => ({ code: `${lad}-L${i + 1}`, lad, ladName, partnership, population: 1000, decile: i + 1 }));
}

export async function equityDb(options: { lsoas: FixtureLsoa[]; grants?: FixtureGrant[]; rounds?: FixtureRound[]; withGrantTables?: boolean; meta?: boolean }): Promise<Db> {
  const db = await openDb();
  await db.run(`CREATE TABLE lsoa (lsoa21cd VARCHAR, lad_code VARCHAR, lad_name VARCHAR, partnership VARCHAR, population INTEGER)`);
  await db.run(`CREATE TABLE iod2025 (lsoa21cd VARCHAR, imd_decile INTEGER)`);
  for (const l of options.lsoas) {
    await db.run(`INSERT INTO lsoa VALUES ($1, $2, $3, $4, $5)`, [l.code, l.lad, l.ladName, l.partnership, l.population]);
    if (l.decile !== null) await db.run(`INSERT INTO iod2025 VALUES ($1, $2)`, [l.code, l.decile]);
  }
  if (options.meta !== false) {
    await db.run(`CREATE TABLE meta (key VARCHAR, value VARCHAR)`);
    await db.run(`INSERT INTO meta VALUES ('place_id', 'test-place'), ('place_name', 'Test Place')`);
  }
  if (options.withGrantTables === false) return db;
  await db.run(`CREATE TABLE grants (grant_id VARCHAR, round_id VARCHAR, amount_pence BIGINT, in_place_pence BIGINT)`);
  await db.run(`CREATE TABLE grant_lsoa (grant_id VARCHAR, lsoa21cd VARCHAR, amount_pence BIGINT, method VARCHAR)`);
  await db.run(`CREATE TABLE grant_funder_type (grant_id VARCHAR, round_id VARCHAR, funder VARCHAR, funder_type VARCHAR, amount_pence BIGINT, basis VARCHAR)`);
  await db.run(`CREATE TABLE grant_rounds (round_id VARCHAR, round_name VARCHAR, round_seq INTEGER, synthetic BOOLEAN)`);
  for (const r of options.rounds ?? []) await db.run(`INSERT INTO grant_rounds VALUES ($1, $2, $3, $4)`, [r.id, r.name, r.seq, r.synthetic ?? false]);
  for (const g of options.grants ?? []) {
    const inPlace = Object.values(g.lsoas).reduce((s, x) => s + x, 0);
    const amount = inPlace + (g.elsewhere ?? 0);
    await db.run(`INSERT INTO grants VALUES ($1, $2, $3, $4)`, [g.id, g.round, amount, inPlace]);
    for (const [code, pence] of Object.entries(g.lsoas)) await db.run(`INSERT INTO grant_lsoa VALUES ($1, $2, $3, 'beneficiary_lsoa')`, [g.id, code, pence]);
    for (const [type, pence] of Object.entries(g.funders ?? { NHS: amount })) {
      await db.run(`INSERT INTO grant_funder_type VALUES ($1, $2, $3, $4, $5, 'round pro rata')`, [g.id, g.round, `${type} funder`, type, pence]);
    }
  }
  return db;
}
