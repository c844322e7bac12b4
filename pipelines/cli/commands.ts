// The declared commands and options of `chest`, used for parsing, --help and the test that keeps the README in step.

export interface OptionSpec {
  name: string;
  type: "string" | "boolean";
  value?: string;
  description: string;
  default?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
  positional?: { name: string; description: string; required: boolean; variadic?: boolean };
}

const place: OptionSpec = { name: "place", type: "string", value: "FILE", description: "place configuration: a file, or the id of one in data/places", default: "data/places/north-east-london.json" };
const db: OptionSpec = { name: "db", type: "string", value: "FILE", description: "database file", default: "data/chest.duckdb" };
const raw: OptionSpec = { name: "raw", type: "string", value: "DIR", description: "folder for fetched files", default: "data/raw" };
const mirror: OptionSpec = {
  name: "mirror",
  type: "string",
  value: "DIR",
  description: "copy sources from this folder of stand-in downloads instead of the official sites (or set CHEST_MIRROR)",
};
const postcodes: OptionSpec = {
  name: "postcodes",
  type: "string",
  value: "FILE",
  description: "postcode directory (ONSPD or NSPL CSV) to locate grants and referrals by postcode (or set CHEST_POSTCODES)",
};
const inputs: OptionSpec = { name: "inputs", type: "string", value: "DIR", description: "folder that keeps ingested files for later builds", default: "data/inputs" };
const quiet: OptionSpec = { name: "quiet", type: "boolean", description: "print only warnings and errors" };
const port: OptionSpec = { name: "port", type: "string", value: "N", description: "port to serve the dashboard on (127.0.0.1)", default: "3000" };

export const commands: CommandSpec[] = [
  {
    name: "run",
    summary: "fetch, build the database and build the dashboard, in one go",
    usage: "chest run [--place FILE] [--mirror DIR] [--db FILE] [--demo] [--serve]",
    options: [
      place,
      mirror,
      db,
      raw,
      inputs,
      postcodes,
      { name: "demo", type: "boolean", description: "also generate and ingest the synthetic demo inputs" },
      { name: "seed", type: "string", value: "N", description: "random seed for the demo inputs", default: "20251" },
      { name: "serve", type: "boolean", description: "serve the dashboard when done" },
      port,
      quiet,
    ],
  },
  {
    name: "fetch",
    summary: "download (or copy from a mirror) every public source the place needs into data/raw, verified",
    usage: "chest fetch [--place FILE] [--mirror DIR] [--raw DIR]",
    options: [place, mirror, raw, quiet],
  },
  {
    name: "build",
    summary: "build the database from the fetched files (a failed build leaves the previous database untouched)",
    usage: "chest build [--place FILE] [--db FILE] [--raw DIR]",
    options: [place, db, raw, inputs, postcodes, quiet],
  },
  {
    name: "ingest",
    summary: "validate and load your own files (grants, referrals, services, outcomes, neighbourhoods, workshop decision records, or applications with panel scores and votes) into the database; rejected rows go to a report",
    usage: "chest ingest <grants|referrals|services|outcomes|neighbourhoods|decisions|applications> FILE... [--db FILE] [--place FILE]",
    options: [db, place, raw, inputs, postcodes, quiet],
    positional: { name: "KIND FILE...", description: "what the files hold (grants, referrals, services, outcomes, neighbourhoods, decisions or applications: applications, panel scores or votes), then one or more files", required: true, variadic: true },
  },
  {
    name: "inputs",
    summary: "list every ingested file (kind, id, name, rows, accepted, rejected, when, sha256), or take one out with `remove NAME|ID`",
    usage: "chest inputs [remove NAME|ID] [--db FILE] [--csv]",
    options: [db, place, raw, inputs, postcodes, { name: "csv", type: "boolean", description: "print CSV instead of a table" }, quiet],
    positional: { name: "remove NAME|ID", description: "take the file with this name or id out; the next build no longer sees it", required: false, variadic: true },
  },
  {
    name: "demo",
    summary: "generate the seeded synthetic demo inputs (grants, monitoring returns, services, referrals, decision records, a round of applications with panel scores and votes) for the place and ingest them",
    usage: "chest demo [--db FILE] [--place FILE] [--seed N]",
    options: [db, place, raw, { name: "seed", type: "string", value: "N", description: "random seed", default: "20251" }, inputs, quiet],
  },
  {
    name: "export",
    summary: "write the chest's own grants as a 360Giving JSON package and CSV, or the monitoring returns to chase as CSV",
    usage: "chest export <grants|reminders> [--out DIR] [--scope rounds|all] [--db FILE] [--place FILE] [--inputs DIR]",
    options: [
      db,
      place,
      inputs,
      { name: "out", type: "string", value: "DIR", description: "folder to write into", default: "data/out" },
      { name: "scope", type: "string", value: "rounds|all", description: "only grants in the place's funding rounds, or every ingested grant", default: "rounds" },
      quiet,
    ],
    positional: { name: "WHAT", description: "what to export: grants, or reminders (monitoring returns missing, awaited or late)", required: true },
  },
  {
    name: "place",
    summary: "make a place file (data/places/<id>.json) from district codes or names, or an ICB or sub-ICB, using the ONS lookups",
    usage: "chest place new TERM... [--partnerships district|sub-icb] [--id ID] [--name NAME] [--raw DIR] [--mirror DIR]",
    options: [
      { name: "partnerships", type: "string", value: "district|sub-icb", description: "propose one partnership per district or per sub-ICB", default: "district" },
      { name: "id", type: "string", value: "ID", description: "the place's id and file name (default: from its name)" },
      { name: "name", type: "string", value: "NAME", description: "the place's name (default: the ICB or sub-ICB named, else the districts)" },
      { name: "out", type: "string", value: "DIR", description: "folder for place files", default: "data/places" },
      { name: "force", type: "boolean", description: "replace an existing place file of the same id" },
      raw,
      mirror,
      quiet,
    ],
    positional: { name: "new TERM...", description: "new, then district codes or names, ICB or sub-ICB codes, ODS codes or names", required: true, variadic: true },
  },
  {
    name: "template",
    summary: "write the monitoring return as an XLSX workbook with the round's grants filled in, drop-down lists and a notes sheet",
    usage: "chest template outcomes [--round ID] [--out FILE] [--db FILE] [--place FILE] [--inputs DIR]",
    options: [
      db,
      place,
      inputs,
      { name: "round", type: "string", value: "ID", description: "only the grants of this funding round (default: every round)" },
      { name: "out", type: "string", value: "FILE", description: "workbook to write", default: "data/out/outcomes-return-template.xlsx" },
      quiet,
    ],
    positional: { name: "WHAT", description: "which template: outcomes", required: true },
  },
  {
    name: "query",
    summary: "run a read-only SQL query against the database and print the result",
    usage: 'chest query "SELECT …" [--db FILE] [--csv]',
    options: [db, { name: "csv", type: "boolean", description: "print CSV instead of a table" }],
    positional: { name: "SQL", description: "the query", required: true },
  },
  {
    name: "site",
    summary: "build the dashboard into dist/ from the database, with no network access",
    usage: "chest site [--db FILE]",
    options: [db, quiet],
  },
  {
    name: "serve",
    summary: "serve the built dashboard (dist/) on 127.0.0.1",
    usage: "chest serve [--port N]",
    options: [port],
  },
];
