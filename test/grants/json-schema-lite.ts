// A small JSON Schema (2020-12) checker for the keywords the 360Giving schemas use, so exports are tested against the real schema files without a new dependency.

export type Schema = {
  $ref?: string;
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  oneOf?: Schema[];
  minItems?: number;
  minimum?: number;
  uniqueItems?: boolean;
  $defs?: Record<string, Schema>;
};

const formats: Record<string, (v: string) => boolean> = {
  // RFC 3339 date-time, as the 360Giving validator (jsonschema with a format checker) asserts it.
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  uri: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(v),
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/**
 * Validate `value` against `schema`. `refs` maps $ref targets that are URLs (the package schema points at the
 * grant schema by URL) to schemas. Returns a list of "path: problem" strings, empty when valid.
 */
export function validateJson(value: unknown, schema: Schema, root: Schema, refs: Record<string, Schema> = {}, path = "$"): string[] {
  if (schema.$ref) {
    if (schema.$ref.startsWith("#/$defs/")) return validateJson(value, root.$defs![schema.$ref.slice(8)], root, refs, path);
    const target = refs[schema.$ref];
    if (!target) return [`${path}: cannot resolve $ref ${schema.$ref}`];
    return validateJson(value, target, target, refs, path);
  }
  const errors: string[] = [];
  if (schema.type) {
    const types = ([] as string[]).concat(schema.type);
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) return [`${path}: is ${t}, expected ${types.join(" or ")}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of the allowed values`);
  if (typeof value === "string") {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (schema.format && formats[schema.format] && !formats[schema.format](value)) errors.push(`${path}: "${value}" is not a valid ${schema.format}`);
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} is below ${schema.minimum}`);
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((s) => validateJson(value, s, root, refs, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of the oneOf alternatives, expected exactly 1`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: has ${value.length} items, at least ${schema.minItems} required`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errors.push(`${path}: items are not unique`);
    if (schema.items) value.forEach((item, i) => errors.push(...validateJson(item, schema.items!, root, refs, `${path}[${i}]`)));
  } else if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}: "${key}" is required`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) if (key in obj) errors.push(...validateJson(obj[key], sub, root, refs, `${path}.${key}`));
  }
  return errors;
}
