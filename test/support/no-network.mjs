// Node --import preload that makes every network attempt fail and leave a line in a log, so "offline" is tested, not assumed.
//
//   CHEST_NETWORK_LOG=/tmp/net.log node --import ./test/support/no-network.mjs script.js
//
// Replaces globalThis.fetch, http/https.request/get, net.connect/createConnection,
// net.Socket.prototype.connect, tls.connect and dns.lookup (callback and promise forms). Each
// attempt appends "<pid> <api> <target>" to $CHEST_NETWORK_LOG and throws (fetch rejects).
// Unix sockets and named pipes (IPC) are not network and pass. Loopback is blocked too unless
// CHEST_NETWORK_ALLOW_LOOPBACK=1: the Framework build needs none. The preload adds itself to
// NODE_OPTIONS so child processes (Framework, its data loaders) are guarded as well.
import { appendFileSync } from "node:fs";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import tls from "node:tls";

const logFile = process.env.CHEST_NETWORK_LOG;
const allowLoopback = process.env.CHEST_NETWORK_ALLOW_LOOPBACK === "1";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function isLoopback(host) {
  return LOOPBACK.has(String(host).toLowerCase()) || /^127\./.test(String(host));
}

function blocked(api, target) {
  if (logFile) appendFileSync(logFile, `${process.pid} ${api} ${target}\n`);
  const error = new Error(`network access blocked by test/support/no-network.mjs: ${api} ${target}`);
  error.code = "ECHEST_OFFLINE";
  return error;
}

/** Throw unless the host is loopback and loopback is allowed. */
function guard(api, host, port) {
  const target = port === undefined || port === "" ? String(host) : `${host}:${port}`;
  if (allowLoopback && isLoopback(host)) return;
  throw blocked(api, target);
}

function urlTarget(input) {
  if (typeof input === "string") return new URL(input);
  if (input instanceof URL) return input;
  if (input && typeof input.url === "string") return new URL(input.url); // Request
  return new URL(String(input));
}

const originalFetch = globalThis.fetch;
globalThis.fetch = async function guardedFetch(input, init) {
  let url;
  try {
    url = urlTarget(input);
  } catch {
    throw blocked("fetch", String(input));
  }
  if (url.protocol === "data:" || url.protocol === "blob:") return originalFetch(input, init);
  if (!(allowLoopback && isLoopback(url.hostname))) throw blocked("fetch", url.href);
  return originalFetch(input, init);
};

/** http(s).request(url | options, [options], [callback]) → host and port. */
function requestTarget(args, defaultPort) {
  const [first, second] = args;
  if (typeof first === "string" || first instanceof URL) {
    const url = new URL(first);
    return { host: url.hostname, port: url.port || defaultPort };
  }
  const options = { ...(first ?? {}), ...(typeof second === "object" && second ? second : {}) };
  if (options.socketPath) return undefined;
  return { host: options.hostname ?? options.host ?? "localhost", port: options.port ?? defaultPort };
}

function wrapRequest(module, name, api, defaultPort) {
  const original = module[name];
  module[name] = function guardedRequest(...args) {
    const target = requestTarget(args, defaultPort);
    if (target) guard(api, target.host, target.port);
    return original.apply(this, args);
  };
}

wrapRequest(http, "request", "http.request", 80);
wrapRequest(http, "get", "http.get", 80);
wrapRequest(https, "request", "https.request", 443);
wrapRequest(https, "get", "https.get", 443);

/** net.connect(options | port | path, [host], …) → host and port, or undefined for IPC paths. */
function connectTarget(args) {
  let [first, second] = args;
  if (Array.isArray(first)) [first] = first; // Socket.prototype.connect's internal normalized form
  if (first && typeof first === "object") {
    if (first.path) return undefined;
    return { host: first.host ?? "localhost", port: first.port };
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    return { host: typeof second === "string" ? second : "localhost", port: first };
  }
  return undefined; // a string path: Unix socket or named pipe
}

function wrapConnect(module, name, api) {
  const original = module[name];
  module[name] = function guardedConnect(...args) {
    const target = connectTarget(args);
    if (target) guard(api, target.host, target.port);
    return original.apply(this, args);
  };
}

wrapConnect(net, "connect", "net.connect");
wrapConnect(net, "createConnection", "net.createConnection");
wrapConnect(net.Socket.prototype, "connect", "net.Socket.connect");
wrapConnect(tls, "connect", "tls.connect");

const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  guard("dns.lookup", hostname);
  return originalLookup.call(this, hostname, ...rest);
};
const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromiseLookup(hostname, ...rest) {
  guard("dns.promises.lookup", hostname);
  return originalPromiseLookup.call(this, hostname, ...rest);
};

syncBuiltinESMExports();

// Guard child processes too: Node passes NODE_OPTIONS on through the environment.
const self = `--import=${import.meta.url}`;
if (!(process.env.NODE_OPTIONS ?? "").includes(self)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, self].filter(Boolean).join(" ");
}
