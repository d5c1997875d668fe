/**
 * `aila verify <receipt.json> [--keys jwks.json] [--proof proof.txt --vkey <vkey or file>] [--json]`:
 * offline verification of a receipt (EVIDENCE.md §1, §2.2, §5). With `--keys` it runs in archival mode:
 * no age limit, but the receipt key must be in the pinned key set and valid at the receipt's `ts`.
 * Without, it applies the TECP reference verifier's 24-hour window. With `--proof` it also checks the
 * c2sp.org/tlog-proof@v1 inclusion proof against the checkpoint signed by `--vkey`.
 * Exit status: 0 valid, 1 invalid, 2 usage or input error.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  b64DecodeExact,
  formatTlogProof,
  HASH_SIZE,
  type PinnedKey,
  parseVerifierKey,
  type Receipt,
  receiptLeafData,
  verifyReceipt,
  verifyTlogProof,
} from '../core/index.js';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const USAGE =
  'usage: aila verify <receipt.json> [--keys jwks.json] [--proof proof.txt --vkey <vkey|file>] [--json]\n';

class UsageError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
}

/** The receipt inside a receipt file, an OpenAI response (`tecp_receipt`) or a `GET /api/v1/receipts/:id` answer. */
function unwrap(value: unknown): { receipt: unknown; proof?: string } {
  if (isRecord(value) && value.version === undefined) {
    if (isRecord(value.tecp_receipt)) return { receipt: value.tecp_receipt };
    if (isRecord(value.receipt)) {
      return typeof value.proof === 'string'
        ? { receipt: value.receipt, proof: value.proof }
        : { receipt: value.receipt };
    }
  }
  return { receipt: value };
}

/** JWKS (`/.well-known/tecp-jwks`) to the pinned key set. */
function pinnedKeys(jwks: unknown): PinnedKey[] {
  const keys = isRecord(jwks) && Array.isArray(jwks.keys) ? jwks.keys : undefined;
  if (keys === undefined) throw new UsageError('the key file is not a JWKS ({"keys": [...]})');
  return keys.filter(isRecord).flatMap((k) => {
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string') return [];
    const key: PinnedKey = { publicKey: k.x };
    if (typeof k.nbf === 'number') key.nbf = k.nbf;
    if (typeof k.exp === 'number') key.exp = k.exp;
    return [key];
  });
}

/** A proof file: tlog-proof@v1 text, or the JSON form of `GET /api/v1/tecp/proof`. */
function proofText(text: string): string {
  if (!text.trimStart().startsWith('{')) return text;
  const json = parseJson(text, 'the proof file');
  if (
    !isRecord(json) ||
    typeof json.index !== 'number' ||
    !Array.isArray(json.hashes) ||
    typeof json.checkpoint !== 'string'
  ) {
    throw new UsageError('the JSON proof needs index, hashes and checkpoint');
  }
  const hashes = json.hashes.map((h) => b64DecodeExact(String(h), HASH_SIZE));
  return formatTlogProof({ index: json.index, hashes, checkpoint: json.checkpoint });
}

async function vkeyOf(value: string): Promise<string> {
  try {
    parseVerifierKey(value);
    return value;
  } catch {
    return (await readText(value, 'verifier key file')).trim();
  }
}

/** Runs the command; returns the exit status. */
export async function verifyCommand(args: readonly string[], io: CommandIo = defaultIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        keys: { type: 'string' },
        proof: { type: 'string' },
        vkey: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) throw new UsageError('expected one receipt file');
    const { receipt, proof: embedded } = unwrap(
      parseJson(await readText(file, 'receipt'), 'the receipt file'),
    );
    const keys =
      values.keys === undefined
        ? undefined
        : pinnedKeys(parseJson(await readText(values.keys, 'key file'), 'the key file'));
    const result = verifyReceipt(receipt, keys === undefined ? {} : { archival: true, keys });
    const checks: Record<string, boolean> = { ...result.checks };
    const errors: Array<{ code: string; field: string; message: string }> = result.errors.map((e) => ({
      ...e,
    }));
    const proofSource =
      values.proof === undefined ? embedded : proofText(await readText(values.proof, 'proof'));
    let inclusion: { index: number; size: number; origin: string } | undefined;
    if (proofSource !== undefined) {
      if (values.vkey === undefined)
        throw new UsageError('--proof needs --vkey (the receipts log verifier key)');
      const verifier = parseVerifierKey(await vkeyOf(values.vkey));
      const origin =
        isRecord(receipt) && isRecord(receipt.ext) && typeof receipt.ext.log === 'string'
          ? receipt.ext.log
          : undefined;
      try {
        const done = verifyTlogProof(proofSource, receiptLeafData(receipt as Receipt), [verifier], origin);
        inclusion = { index: done.index, size: done.checkpoint.size, origin: done.checkpoint.origin };
        checks.inclusion_proof = true;
      } catch (err) {
        checks.inclusion_proof = false;
        errors.push({ code: 'E-LOG-002', field: 'log_inclusion', message: (err as Error).message });
      }
    }
    const valid = errors.length === 0 && Object.values(checks).every(Boolean);
    if (values.json) {
      io.stdout(
        `${JSON.stringify({ valid, mode: keys === undefined ? 'fresh' : 'archival', checks, errors, inclusion }, null, 2)}\n`,
      );
    } else {
      io.stdout(
        `mode: ${keys === undefined ? 'fresh (24-hour window, no pinned keys)' : 'archival (pinned key set, no age limit)'}\n`,
      );
      for (const [name, ok] of Object.entries(checks)) io.stdout(`${name}: ${ok ? 'ok' : 'FAILED'}\n`);
      if (inclusion !== undefined)
        io.stdout(`in log ${inclusion.origin} at index ${inclusion.index} of ${inclusion.size}\n`);
      for (const e of errors) io.stdout(`${e.code} ${e.field || '(receipt)'}: ${e.message}\n`);
      io.stdout(valid ? 'VALID\n' : 'INVALID\n');
    }
    return valid ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(
      `aila verify: ${message}\n${err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? USAGE : ''}`,
    );
    return 2;
  }
}
