// Parsing a command line against a declared command, and the --help text made from the same declaration.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { commands, type CommandSpec } from "./commands.ts";

export function helpText(spec?: CommandSpec): string {
  if (!spec) {
    const width = Math.max(...commands.map((c) => c.name.length));
    return [
      "chest — Chest Atlas: needs-led allocation of Community Chest funds",
      "",
      "Usage: chest <command> [options]   (from a checkout: npm run chest -- <command> [options])",
      "",
      "Commands:",
      ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      "",
      "Run `chest <command> --help` for a command's options.",
    ].join("\n");
  }
  const optionLines = spec.options.map((o) => {
    const flag = `--${o.name}${o.value ? ` ${o.value}` : ""}`;
    return `  ${flag.padEnd(18)} ${o.description}${o.default ? ` (default: ${o.default})` : ""}`;
  });
  return [
    `Usage: ${spec.usage}`,
    "",
    spec.summary.charAt(0).toUpperCase() + spec.summary.slice(1) + ".",
    ...(spec.positional ? ["", "Arguments:", `  ${spec.positional.name.padEnd(18)} ${spec.positional.description}`] : []),
    "",
    "Options:",
    ...optionLines,
    `  ${"--help".padEnd(18)} show this help`,
  ].join("\n");
}

export interface Parsed {
  spec: CommandSpec;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

export function parseCommandLine(argv: string[]): Parsed | { help: true; spec?: undefined } {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") return { help: true };
  const spec = commands.find((c) => c.name === name);
  if (!spec) throw new UsageError(`unknown command "${name}"\n\n${helpText()}`);
  const options = Object.fromEntries([
    ...spec.options.map((o) => [o.name, { type: o.type }] as const),
    ["help", { type: "boolean" as const, short: "h" }],
  ]);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's own wording for an unknown option suggests "--" and leaves a quote open: name the option and the command.
    const unknown = (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'([^']+)'/.exec((e as Error).message)?.[1] : undefined;
    throw new UsageError(`${unknown ? `unknown option '${unknown}' for chest ${name}` : (e as Error).message}\n\n${helpText(spec)}`);
  }
  const help = Boolean((parsed.values as Record<string, unknown>).help);
  if (!help) {
    if (spec.positional?.required && parsed.positionals.length === 0) throw new UsageError(`missing ${spec.positional.name}\n\n${helpText(spec)}`);
    if (!spec.positional && parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n\n${helpText(spec)}`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const o of spec.options) values[o.name] = (parsed.values as Record<string, string | boolean | undefined>)[o.name] ?? o.default;
  return { spec, values, positionals: parsed.positionals, help };
}
