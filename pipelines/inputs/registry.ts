// The inputs users drop in (grants, referrals, services, workshop decision records): kept under data/inputs/<kind>/ so every build re-reads them.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../errors.ts";

export const inputKinds = ["grants", "referrals", "services", "outcomes", "neighbourhoods", "decisions"] as const;
export type InputKind = (typeof inputKinds)[number];

export const defaultInputsDir = "data/inputs";

/**
 * Optional step per kind before a file is registered: check it can be read (throw InputError) and return the one file to
 * register (services packs a data package folder or datapackage.json into one self-contained datapackage.json).
 */
export const inputPreparers: Partial<Record<InputKind, (file: string) => string>> = {};

/**
 * Register a user file: copy it to data/inputs/<kind>/ under a name that carries its content hash,
 * so registering the same bytes twice is a no-op. Returns the registered path.
 */
export function registerInput(inputsDir: string, kind: InputKind, given: string): { path: string; added: boolean } {
  const prepare = inputPreparers[kind];
  const file = prepare ? prepare(given) : given;
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(file, "file not found");
  const digest = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 12);
  const dir = join(inputsDir, kind);
  mkdirSync(dir, { recursive: true });
  const existing = readdirSync(dir).find((name) => name.startsWith(`${digest}--`));
  if (existing) return { path: join(dir, existing), added: false };
  const target = join(dir, `${digest}--${basename(file)}`);
  const tmp = `${target}.part-${process.pid}`;
  copyFileSync(file, tmp);
  renameSync(tmp, target);
  return { path: target, added: true };
}

/** Take back files registered by a run that failed, so a bad file does not break every later build. */
export function unregister(paths: string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}

/** Registered files of one kind, in a stable order. */
export function registeredInputs(inputsDir: string, kind: InputKind): string[] {
  const dir = join(inputsDir, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.includes(".part-"))
    .sort()
    .map((name) => join(dir, name));
}

/** The name a user gave the file, without the hash prefix. */
export function originalName(path: string): string {
  return basename(path).replace(/^[0-9a-f]{12}--/, "");
}
