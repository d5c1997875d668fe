import { readFile, writeFile } from 'node:fs/promises';
import { renderConfigReference, spliceConfigReference } from '../config/docs.js';
import { ConfigSchema, redactConfig } from '../config/index.js';
import { fail } from './fail.js';
import { loadConfigWithVault } from './load-config.js';

/** `aila config check [--print]`: validates the whole configuration; exit 1 listing every problem. */
export async function configCheck(options: { print?: boolean }): Promise<void> {
  // vault: references are resolved too, so a missing secret is found before a deployment is.
  const { config, vault } = await loadConfigWithVault().catch(fail);
  vault?.vault.close();
  process.stdout.write('configuration is valid\n');
  if (options.print) process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
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
