// Adds lock entries for other platforms' optional binaries that npm leaves out when the registry mirror lacks them,
// so that `npm ci` accepts the lock file. Run after any `npm install`: node .ci/complete-lockfile.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

function missing() {
  let out = "";
  try {
    execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
  return [...out.matchAll(/Missing: (.+?)@\S* from lock file/g)].map((m) => m[1]);
}

const platforms = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "openharmony"];
const cpus = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x"];

const names = missing();
if (names.length === 0) {
  console.log("package-lock.json: complete");
  process.exit(0);
}
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const versions = {};
for (const entry of Object.values(lock.packages)) for (const [n, v] of Object.entries(entry.optionalDependencies ?? {})) versions[n] ??= v;
for (const name of names) {
  const parts = name.split("/").pop().split("-");
  const os = platforms.find((p) => parts.includes(p));
  const cpu = parts.find((p) => cpus.includes(p));
  const libc = /musl/.test(name) ? "musl" : os === "linux" ? "glibc" : undefined;
  if (!versions[name]) throw new Error(`no version for ${name}`);
  lock.packages[`node_modules/${name}`] = {
    version: versions[name].replace(/^[\^~]/, ""),
    optional: true,
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(libc ? { libc: [libc] } : {}),
    ...(os ? { os: [os] } : {}),
  };
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: added ${names.length} optional platform entries`);
