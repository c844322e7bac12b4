// Typed errors with exit codes, so every command fails with one clear message and a stable status (pure: pipelines and geo/ both throw them; pipelines/errors.ts re-exports).

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  badInput: 3,
  missingSource: 4,
  integrity: 5,
  /** Another run is writing the same database (see pipelines/build/lock.ts). */
  busy: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the person running the command: its message is printed as is. */
export class ChestError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChestError";
    this.exitCode = exitCode;
  }
}

export class UsageError extends ChestError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = "UsageError";
  }
}

/** A whole input file (or source) that cannot be used. */
export class InputError extends ChestError {
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, ExitCode.badInput, options);
    this.name = "InputError";
    this.file = file;
  }
}

export class MissingSourceError extends ChestError {
  constructor(message: string) {
    super(message, ExitCode.missingSource);
    this.name = "MissingSourceError";
  }
}

export class IntegrityError extends ChestError {
  constructor(message: string) {
    super(message, ExitCode.integrity);
    this.name = "IntegrityError";
  }
}
