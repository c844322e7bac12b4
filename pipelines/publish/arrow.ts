// Writing the (small, aggregated) result of a query as Arrow IPC bytes, which pages read with apache-arrow alone — no wasm runtime.
import { Bool, Dictionary, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType } from "apache-arrow";
import { DuckDBTypeId, type DuckDBType } from "@duckdb/node-api";
import { prepare, type Db, type Params } from "../db/connection.ts";

const INT32_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
]);
const FLOAT_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.HUGEINT,
]);

/**
 * The Arrow type a DuckDB column travels as: small integers as Int32; BIGINT, DECIMAL and floats as Float64 (exact to 2^53,
 * far beyond any count or pence total here); strings dictionary-encoded (codes and names repeat); dates as ISO text;
 * anything nested as JSON text.
 */
function arrowType(type: DuckDBType, column: number): { type: DataType; convert: (v: unknown) => unknown } {
  if (type.typeId === DuckDBTypeId.BOOLEAN) return { type: new Bool(), convert: (v) => v };
  if (INT32_TYPES.has(type.typeId)) return { type: new Int32(), convert: (v) => (v === null ? null : Number(v)) };
  if (FLOAT_TYPES.has(type.typeId)) return { type: new Float64(), convert: (v) => (v === null ? null : Number(v)) };
  if (type.typeId === DuckDBTypeId.VARCHAR) // the dictionary id is the column's position: apache-arrow's default is a process-wide counter, which made the bytes differ run to run
    return { type: new Dictionary(new Utf8(), new Int32(), column), convert: (v) => v };
  if (type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.STRUCT || type.typeId === DuckDBTypeId.ARRAY)
    return { type: new Utf8(), convert: (v) => (v === null ? null : JSON.stringify(v)) };
  return { type: new Utf8(), convert: (v) => (v === null ? null : String(v)) };
}

/** Run a query and return its rows as an Arrow IPC file (read in a page with `FileAttachment("….arrow").arrow()`). */
export async function queryToArrow(db: Db, sql: string, params?: Params): Promise<Buffer> {
  let reader;
  if (params === undefined) reader = await db.conn.runAndReadAll(sql);
  else {
    const p = prepare(params);
    reader = await db.conn.runAndReadAll(sql, p.values as never, p.types as never);
  }
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumnsJson() as unknown[][];
  const vectors = Object.fromEntries(
    names.map((name, i) => {
      const { type, convert } = arrowType(types[i], i);
      return [name, vectorFromArray((columns[i] ?? []).map(convert), type)];
    }),
  );
  return Buffer.from(tableToIPC(new Table(vectors), "file"));
}
