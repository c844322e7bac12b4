// Reading and validating a place file, with a message that names the file and the field.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.ts";
import { placeSchema, type Place } from "./schema.ts";

export const defaultPlaceFile = "data/places/north-east-london.json";

/** A place given by id ("plymouth") is data/places/<id>.json; anything else is a file path. */
export function placeFileFor(given: string): string {
  return /^[a-z0-9-]+$/.test(given) && !existsSync(given) ? `data/places/${given}.json` : given;
}

export function loadPlace(given: string = defaultPlaceFile): Place & { file: string } {
  const file = placeFileFor(given);
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InputError(file, "place file not found");
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
  const parsed = placeSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.join(".") : "(top level)";
      const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey], json);
      return `field ${field}${value !== undefined && typeof value !== "object" ? ` (value ${JSON.stringify(value)})` : ""}: ${issue.message}`;
    });
    throw new InputError(file, `invalid place file:\n  ${lines.join("\n  ")}`);
  }
  return { ...parsed.data, file };
}
