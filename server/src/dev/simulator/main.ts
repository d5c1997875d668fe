/**
 * Standalone simulator for benchmarks and manual runs:
 * `node --import tsx server/src/dev/simulator/main.ts --port 0 --inter-token-ms 5`.
 * Prints the base URL (one line on stdout) once listening; stops on SIGINT/SIGTERM.
 */
import { parseSimulatorArgs, USAGE } from './cli-args.js';
import { startSimulator } from './server.js';

async function main(): Promise<void> {
  // ARCHITECTURE "Embedded default": development pieces refuse to run in production.
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('simulator: refusing to start with NODE_ENV=production\n');
    process.exitCode = 1;
    return;
  }
  let command: ReturnType<typeof parseSimulatorArgs>;
  try {
    command = parseSimulatorArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`simulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  const simulator = await startSimulator(command.options);
  process.stdout.write(`${simulator.url}\n`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
