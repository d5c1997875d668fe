import { readFile, writeFile } from 'node:fs/promises';
import { renderConfigReference, spliceConfigReference } from '../config/docs.js';
import { ConfigSchema, loadProcessConfig, redactConfig } from '../config/index.js';
import { fail } from './fail.js';

/** `aila config check [--print]`: validates the whole configuration; exit 1 listing every problem. */
export async function configCheck(options: { print?: boolean }): Promise<void> {
  try {
    const { config } = await loadProcessConfig();
    process.stdout.write('configuration is valid\n');
    if (options.print) process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
  } catch (err) {
    fail(err);
  }
}

/** `aila config schema`: the JSON Schema of the whole configuration. */
export function configSchema(): void {
  process.stdout.write(`${JSON.stringify(ConfigSchema, null, 2)}\n`);
}

/** `aila config docs [--write FILE]`: the generated key reference, printed or spliced into a file. */
export async function configDocs(options: { write?: string }): Promise<void> {
  if (!options.write) {
    process.stdout.write(`${renderConfigReference()}\n`);
    return;
  }
  const current = await readFile(options.write, 'utf8');
  await writeFile(options.write, spliceConfigReference(current));
  process.stdout.write(`updated ${options.write}\n`);
}
