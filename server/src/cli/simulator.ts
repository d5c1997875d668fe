import { parseSimulatorArgs, SIMULATOR_USAGE, startSimulator } from '../dev/simulator/index.js';
import { fail } from './fail.js';

/** `aila simulator [flags]`: the simulated OpenAI-compatible model backend, until SIGTERM/SIGINT. */
export async function simulator(args: string[]): Promise<void> {
  let command: ReturnType<typeof parseSimulatorArgs>;
  try {
    command = parseSimulatorArgs(args);
  } catch (err) {
    process.stderr.write(`${SIMULATOR_USAGE}\n`);
    fail(err);
  }
  if (command.help) {
    process.stdout.write(SIMULATOR_USAGE);
    return;
  }
  const running = await startSimulator(command.options).catch(fail);
  process.stdout.write(`${running.url}\n`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
