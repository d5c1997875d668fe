/**
 * `aila verify-bundle <file> [--receipts-vkey K]... [--audit-vkey K]... [--jwks F] [--since-checkpoint F]... [--json]`:
 * offline verification of a compliance export bundle (EVIDENCE.md §3). Keys given as flags are
 * pinned: the bundle must be signed by them, not merely by the keys it carries. Exit status: 0 valid,
 * 1 invalid, 2 usage or input error.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CommandIo } from '../../evidence/cli/verify-command.js';
import { type PinnedKey, parseVerifierKey } from '../../evidence/core/index.js';
import { formatReport, reportJson } from '../bundle/verify/report.js';
import { jwksKeys } from '../bundle/verify/setup.js';
import { verifyBundle } from '../bundle/verify/verify-bundle.js';

const defaultIo: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const USAGE =
  'usage: aila verify-bundle <bundle.tar.gz> [--receipts-vkey <vkey|file>]... [--audit-vkey <vkey|file>]... [--jwks <jwks.json>] [--since-checkpoint <file>]... [--json]\n';

class UsageError extends Error {}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** A verifier key given inline or as a file holding it. */
async function vkeyOf(value: string, flag: string): Promise<string> {
  try {
    parseVerifierKey(value);
    return value;
  } catch {
    const key = (await readText(value, `${flag} file`)).trim();
    try {
      parseVerifierKey(key);
    } catch (err) {
      throw new UsageError(`${flag} ${value}: not a verifier key (${(err as Error).message})`);
    }
    return key;
  }
}

async function pinnedJwks(path: string): Promise<PinnedKey[]> {
  let jwks: unknown;
  try {
    jwks = JSON.parse(await readText(path, '--jwks file'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError('--jwks is not JSON');
  }
  if (!Array.isArray((jwks as { keys?: unknown }).keys))
    throw new UsageError('--jwks is not a JWKS ({"keys": [...]})');
  return jwksKeys(jwks);
}

/** Runs the command; returns the exit status. */
export async function verifyBundleCommand(
  args: readonly string[],
  io: CommandIo = defaultIo,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(
      `${USAGE}\nVerifies a compliance export bundle offline: archive, manifest signature, file hashes, checkpoints,\nevery inclusion proof, the consistency proof, every receipt signature, the query, retained content.\nKeys given as flags are pinned. Exit status: 0 valid, 1 invalid, 2 usage or input error.\n`,
    );
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'receipts-vkey': { type: 'string', multiple: true },
        'audit-vkey': { type: 'string', multiple: true },
        jwks: { type: 'string' },
        'since-checkpoint': { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) throw new UsageError('expected one bundle file');
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new UsageError(`cannot read bundle ${file}`);
    const receiptsVkeys = values['receipts-vkey'];
    const auditVkeys = values['audit-vkey'];
    const since = values['since-checkpoint'];
    const report = await verifyBundle(file, {
      ...(receiptsVkeys
        ? { receiptsVkeys: await Promise.all(receiptsVkeys.map((k) => vkeyOf(k, '--receipts-vkey'))) }
        : {}),
      ...(auditVkeys
        ? { auditVkeys: await Promise.all(auditVkeys.map((k) => vkeyOf(k, '--audit-vkey'))) }
        : {}),
      ...(values.jwks ? { jwks: await pinnedJwks(values.jwks) } : {}),
      ...(since
        ? { sinceCheckpoints: await Promise.all(since.map((f) => readText(f, '--since-checkpoint file'))) }
        : {}),
    });
    io.stdout(values.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : formatReport(report));
    return report.valid ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr(`aila verify-bundle: ${message}\n${usage ? USAGE : ''}`);
    return 2;
  }
}
