// The one place identifiers and literals are quoted for DuckDB SQL; values go in as bound parameters.

/** Quote an identifier (table, column): "name" with embedded quotes doubled. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a string literal: 'text' with embedded quotes doubled. For paths in read_csv() and COPY, which DuckDB cannot bind. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A qualified name such as schema.table. */
export function qualified(...parts: string[]): string {
  return parts.map(ident).join(".");
}
