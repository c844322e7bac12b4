// Reading page data written as Arrow IPC back in tests: column names with the DuckDB type each was written from, and plain row objects.
import { DataType, tableFromIPC, type Field } from "apache-arrow";

export interface ArrowRows {
  /** [name, type] with types named as DuckDB names them (VARCHAR, INTEGER, DOUBLE, BOOLEAN). */
  columns: [string, string][];
  rows: Record<string, unknown>[];
}

function duckdbName(field: Field): string {
  const type = field.type;
  if (DataType.isDictionary(type) || DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "VARCHAR";
  if (DataType.isBool(type)) return "BOOLEAN";
  if (DataType.isInt(type)) return type.bitWidth === 64 ? "BIGINT" : "INTEGER";
  if (DataType.isFloat(type)) return "DOUBLE";
  return String(type);
}

/** Decode Arrow IPC bytes (file or stream format) into columns and rows of plain values. */
export function readArrow(bytes: Uint8Array): ArrowRows {
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields;
  const rows = table.toArray().map((row) => {
    const plain: Record<string, unknown> = {};
    for (const f of fields) plain[f.name] = (row as Record<string, unknown>)[f.name] ?? null;
    return plain;
  });
  return { columns: fields.map((f) => [f.name, duckdbName(f)]), rows };
}
