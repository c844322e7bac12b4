// A logger passed into every stage, so commands report progress on stderr and tests stay quiet.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Progress for long steps; may be rate-limited or dropped. */
  progress(message: string): void;
}

export function consoleLogger(options: { quiet?: boolean } = {}): Logger {
  const started = Date.now();
  const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  return {
    info: (m) => void (!options.quiet && process.stderr.write(`${stamp()} ${m}\n`)),
    warn: (m) => void process.stderr.write(`${stamp()} warning: ${m}\n`),
    progress: (m) => void (!options.quiet && process.stderr.write(`${stamp()}   ${m}\n`)),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, progress() {} };

/** A logger that records messages, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    progress: (m) => void lines.push(m),
  };
}
