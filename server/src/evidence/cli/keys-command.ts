/**
 * `aila keys list` and `aila keys rotate [--receipt] [--log]` (EVIDENCE.md §5) against the configured
 * database and key source. A rotation is recorded as a `keys.rotated` audit event in the audit log.
 */
import { parseArgs } from 'node:util';
import {
  commandAudit,
  type LoadedConfig,
  loadConfigWithVault,
  openCommandDatabase,
} from '../../cli/load-config.js';
import { createLogger } from '../../platform/logger.js';
import { listKeys } from '../keys/key-repository.js';
import type { KeyRole } from '../keys/key-ring.js';
import { rotateSigningKeys } from '../keys/rotate.js';
import type { CommandIo } from './verify-command.js';

const USAGE = 'usage: aila keys list | aila keys rotate [--receipt] [--log]   (no flag: both)\n';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** Runs `aila keys <args>`; returns the exit status. */
export async function keysCommand(
  args: readonly string[],
  io: CommandIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{
      allowPositionals: true;
      options: { receipt: { type: 'boolean' }; log: { type: 'boolean' } };
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { receipt: { type: 'boolean' }, log: { type: 'boolean' } },
    });
  } catch (err) {
    io.stderr(`aila keys: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, ...extra] = parsed.positionals;
  if ((action !== 'list' && action !== 'rotate') || extra.length > 0) {
    io.stderr(USAGE);
    return 2;
  }
  // Like the server: vault: references resolved and dynamic database credentials when configured.
  let loaded: LoadedConfig | undefined;
  let database: Awaited<ReturnType<typeof openCommandDatabase>>;
  try {
    loaded = await loadConfigWithVault();
    database = await openCommandDatabase(loaded, createLogger({ level: 'warn' }));
  } catch (err) {
    loaded?.vault?.vault.close();
    io.stderr(`aila keys: ${(err as Error).message}\n`);
    return 1;
  }
  const { config, runtime } = loaded;
  try {
    if (action === 'list') {
      for (const k of await listKeys(database.db)) {
        io.stdout(`${k.purpose.padEnd(14)} ${k.kid}  nbf ${iso(k.nbf)}  exp ${iso(k.exp)}\n`);
      }
      return 0;
    }
    const roles: KeyRole[] = [];
    if (parsed.values.receipt === true) roles.push('receipt');
    if (parsed.values.log === true) roles.push('log');
    const audit = await commandAudit(database.db, config);
    const results = await rotateSigningKeys({
      db: database.db,
      config: config.evidence.keys,
      production: runtime.production,
      roles: roles.length === 0 ? ['receipt', 'log'] : roles,
      audit,
    });
    for (const r of results) {
      io.stdout(`${r.role} key rotated: new kid ${r.kid}\n`);
      for (const old of r.retired) io.stdout(`  ${old.purpose} ${old.kid} valid until ${iso(old.exp)}\n`);
    }
    io.stdout('running replicas switch to the new keys within evidence.keys.refreshMs\n');
    return 0;
  } catch (err) {
    io.stderr(`aila keys: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
    loaded.vault?.vault.close();
  }
}
