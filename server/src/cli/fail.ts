import { ConfigError } from '../config/index.js';

/** Prints why a command cannot continue and exits 1; configuration errors list every problem. */
export function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`aila: ${err.message}\n`);
  } else {
    process.stderr.write(`aila: ${(err as Error)?.message ?? String(err)}\n`);
  }
  process.exit(1);
}
