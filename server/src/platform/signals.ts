import type { Logger } from 'pino';

/**
 * Runs `stop` on the first SIGTERM or SIGINT, then exits 0 (or 1 when `stop` throws). A second
 * signal while stopping exits 1 at once, for an operator who does not want to wait for the drain.
 */
export function exitOnSignals(log: Logger, stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      log.flush();
      process.exit(1);
    }
    stopping = true;
    stop(signal).then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        log.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
