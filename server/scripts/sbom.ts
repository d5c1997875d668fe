/**
 * Writes a CycloneDX 1.5 SBOM (JSON) of what the appliance image ships, from the npm lockfile:
 * the workspaces and every package `npm ci --omit=dev` installs for the image's platform
 * (linux/x64/glibc by default), with versions, purls, SRI hashes, licences and the dependency graph.
 *
 *   node --import tsx server/scripts/sbom.ts --output ai-la.cdx.json [--include-dev]
 *        [--platform linux] [--arch x64] [--libc glibc]
 *
 * With SOURCE_DATE_EPOCH set, the timestamp and serial number are derived from it and from the
 * content, so the same lockfile always yields the same bytes (reproducible release artefacts).
 * Specification: https://cyclonedx.org/docs/1.5/json/ ; purl: https://github.com/package-url/purl-spec
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** One entry of `packages` in a lockfile v2/v3 (https://docs.npmjs.com/cli/configuring-npm/package-lock-json). */
export interface LockPackage {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
  os?: string[];
  cpu?: string[];
  libc?: string[];
  description?: string;
}

/** The parts of package-lock.json the SBOM needs. */
export interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, LockPackage>;
}

/** Target of the installation: only optional packages built for it are installed. */
export interface Platform {
  os: string;
  cpu: string;
  libc: string;
}

export interface SbomOptions {
  includeDev: boolean;
  platform: Platform;
  /** ISO timestamp of the BOM. */
  timestamp: string;
  /** `urn:uuid:...`; derived from the content when omitted. */
  serialNumber?: string;
}

interface CdxLicense {
  license?: { id?: string; name?: string };
  expression?: string;
}

export interface CdxComponent {
  'bom-ref': string;
  type: 'application' | 'library';
  name: string;
  group?: string;
  version: string;
  scope: 'required' | 'optional';
  purl: string;
  description?: string;
  hashes?: Array<{ alg: string; content: string }>;
  licenses?: CdxLicense[];
  externalReferences?: Array<{ type: 'distribution'; url: string }>;
  properties?: Array<{ name: string; value: string }>;
}

export interface CdxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.5';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    lifecycles: Array<{ phase: string }>;
    tools: { components: Array<{ type: 'application'; name: string; version: string }> };
    component: CdxComponent;
  };
  components: CdxComponent[];
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
}

/** npm's os/cpu/libc matching: listed values allow, `!value` entries deny. */
function platformAllows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positives = list.filter((v) => !v.startsWith('!'));
  return positives.length === 0 || positives.includes(value);
}

export function installableOn(pkg: LockPackage, platform: Platform): boolean {
  return (
    platformAllows(pkg.os, platform.os) &&
    platformAllows(pkg.cpu, platform.cpu) &&
    (pkg.libc === undefined || platformAllows(pkg.libc, platform.libc))
  );
}

/** The package name at a lockfile path (`node_modules/a/node_modules/@s/b` → `@s/b`). */
export function nameAt(path: string, pkg: LockPackage): string {
  const i = path.lastIndexOf('node_modules/');
  return i >= 0 ? path.slice(i + 'node_modules/'.length) : (pkg.name ?? path);
}

/** The directory whose node_modules is searched next when resolving from `path` (null above root). */
function parentOf(path: string): string | null {
  if (path === '') return null;
  const i = path.lastIndexOf('/node_modules/');
  return i >= 0 ? path.slice(0, i) : '';
}

/** Node's resolution over the lockfile: nearest node_modules/<name> walking up from `from`. */
export function resolveDependency(lock: Lockfile, from: string, name: string): string | undefined {
  let dir: string | null = from;
  while (dir !== null) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    const entry = lock.packages[candidate];
    if (entry) return entry.link && entry.resolved ? entry.resolved : candidate;
    dir = parentOf(dir);
  }
  return undefined;
}

/** package-url for an npm package; the scope is the percent-encoded namespace. */
export function purlOf(name: string, version: string): string {
  const [scope, bare] = name.startsWith('@') ? (name.split('/', 2) as [string, string]) : [undefined, name];
  const ns = scope ? `${encodeURIComponent(scope)}/` : '';
  return `pkg:npm/${ns}${encodeURIComponent(bare)}@${encodeURIComponent(version)}`;
}

const SRI_ALGORITHMS: Record<string, string> = {
  sha512: 'SHA-512',
  sha384: 'SHA-384',
  sha256: 'SHA-256',
  sha1: 'SHA-1',
};

/** Subresource-integrity strings (`sha512-<base64>`) as CycloneDX hashes (hex). */
export function hashesOf(integrity: string | undefined): Array<{ alg: string; content: string }> {
  if (!integrity) return [];
  return integrity.split(/\s+/).flatMap((sri) => {
    const [algo, digest] = sri.split('-', 2) as [string, string | undefined];
    const alg = SRI_ALGORITHMS[algo];
    return alg && digest ? [{ alg, content: Buffer.from(digest, 'base64').toString('hex') }] : [];
  });
}

/** A licence field as CycloneDX: an SPDX id, an SPDX expression, or a free-text name. */
export function licensesOf(license: string | undefined): CdxLicense[] | undefined {
  if (!license) return undefined;
  if (/\s(OR|AND|WITH)\s|[()]/.test(license)) return [{ expression: license }];
  if (/^[A-Za-z0-9.+-]+$/.test(license)) return [{ license: { id: license } }];
  return [{ license: { name: license } }];
}

function component(
  path: string,
  pkg: LockPackage,
  type: CdxComponent['type'],
  optional: boolean,
): CdxComponent {
  const name = nameAt(path, pkg);
  const version = pkg.version ?? '0.0.0';
  const purl = purlOf(name, version);
  const c: CdxComponent = {
    'bom-ref': purl,
    type,
    name,
    version,
    scope: optional ? 'optional' : 'required',
    purl,
  };
  if (name.startsWith('@')) {
    c.group = name.split('/')[0] as string;
    c.name = name.split('/')[1] as string;
  }
  if (pkg.description) c.description = pkg.description;
  const hashes = hashesOf(pkg.integrity);
  if (hashes.length > 0) c.hashes = hashes;
  const licenses = licensesOf(pkg.license);
  if (licenses) c.licenses = licenses;
  if (pkg.resolved?.startsWith('http')) c.externalReferences = [{ type: 'distribution', url: pkg.resolved }];
  c.properties = [{ name: 'cdx:npm:package:path', value: path }];
  return c;
}

/** Builds the BOM. Throws when the lockfile lacks a required dependency. */
export function buildSbom(lock: Lockfile, options: SbomOptions): CdxBom {
  if (lock.lockfileVersion < 2) throw new Error(`lockfileVersion ${lock.lockfileVersion} has no "packages"`);
  const root = lock.packages[''];
  if (!root) throw new Error('lockfile has no root package');
  const edges = new Map<string, Set<string>>();
  const optionalOnly = new Map<string, boolean>();
  const queue: Array<{ path: string; optional: boolean }> = [];
  const visit = (path: string, optional: boolean) => {
    const known = optionalOnly.get(path);
    if (known === undefined || (known && !optional)) {
      optionalOnly.set(path, optional);
      queue.push({ path, optional });
    }
  };
  const workspaces = (root.workspaces ?? []).filter((w) => lock.packages[w]);
  for (const w of workspaces) visit(w, false);
  visit('', false);
  while (queue.length > 0) {
    const { path, optional } = queue.shift() as { path: string; optional: boolean };
    const pkg = lock.packages[path] as LockPackage;
    const deps = edges.get(path) ?? new Set<string>();
    edges.set(path, deps);
    const groups: Array<[Record<string, string> | undefined, 'required' | 'optional' | 'peer']> = [
      [pkg.dependencies, 'required'],
      [pkg.optionalDependencies, 'optional'],
      [pkg.peerDependencies, 'peer'],
    ];
    if (options.includeDev && (path === '' || workspaces.includes(path)))
      groups.push([pkg.devDependencies, 'required']);
    for (const [group, kind] of groups) {
      for (const name of Object.keys(group ?? {})) {
        const target = resolveDependency(lock, path, name);
        const entry = target === undefined ? undefined : lock.packages[target];
        const mayBeMissing =
          kind === 'optional' || (kind === 'peer' && pkg.peerDependenciesMeta?.[name]?.optional);
        if (target === undefined || !entry) {
          if (mayBeMissing) continue;
          throw new Error(`${path || lock.name}: dependency ${name} is not in the lockfile`);
        }
        if (!options.includeDev && entry.dev) {
          if (kind === 'peer') continue;
          throw new Error(
            `${path || lock.name}: production dependency ${name} is marked dev in the lockfile`,
          );
        }
        if (!installableOn(entry, options.platform)) {
          if (mayBeMissing || entry.optional) continue;
          throw new Error(`${name} is required but not installable on ${JSON.stringify(options.platform)}`);
        }
        deps.add(target);
        visit(target, optional || kind === 'optional' || entry.optional === true);
      }
    }
  }

  const refOf = new Map<string, string>();
  const components = new Map<string, CdxComponent>();
  for (const [path, optional] of optionalOnly) {
    if (path === '') continue;
    const pkg = lock.packages[path] as LockPackage;
    const c = component(path, pkg, workspaces.includes(path) ? 'application' : 'library', optional);
    refOf.set(path, c['bom-ref']);
    const same = components.get(c['bom-ref']);
    // One component per name@version; each install location is kept as a property.
    if (same) same.properties?.push(...(c.properties ?? []));
    else components.set(c['bom-ref'], c);
  }
  const main = component('', { ...root, name: lock.name, version: lock.version }, 'application', false);
  delete main.properties;
  refOf.set('', main['bom-ref']);

  const dependsOn = new Map<string, Set<string>>();
  for (const [path, deps] of edges) {
    const ref = refOf.get(path) as string;
    const set = dependsOn.get(ref) ?? new Set<string>();
    for (const d of deps) set.add(refOf.get(d) as string);
    for (const w of path === '' ? workspaces : []) set.add(refOf.get(w) as string);
    dependsOn.set(ref, set);
  }

  for (const c of components.values()) c.properties?.sort((a, b) => a.value.localeCompare(b.value));
  const sortedComponents = [...components.values()].sort((a, b) => a['bom-ref'].localeCompare(b['bom-ref']));
  const dependencies = [...dependsOn.entries()]
    .map(([ref, set]) => ({ ref, dependsOn: [...set].sort() }))
    .sort((a, b) => a.ref.localeCompare(b.ref));
  const serialNumber =
    options.serialNumber ??
    `urn:uuid:${uuidFromHash(JSON.stringify({ main, sortedComponents, dependencies, t: options.timestamp }))}`;
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber,
    version: 1,
    metadata: {
      timestamp: options.timestamp,
      lifecycles: [{ phase: 'build' }],
      tools: { components: [{ type: 'application', name: 'ai-la-sbom', version: lock.version }] },
      component: main,
    },
    components: sortedComponents,
    dependencies,
  };
}

/** An RFC 4122 §4.4-shaped UUID (version 4 bits set) from a SHA-256 of `text`. */
function uuidFromHash(text: string): string {
  const b = createHash('sha256').update(text).digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      lockfile: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'include-dev': { type: 'boolean', default: false },
      platform: { type: 'string', default: 'linux' },
      arch: { type: 'string', default: 'x64' },
      libc: { type: 'string', default: 'glibc' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: sbom.ts [--lockfile package-lock.json] [--output file] [--include-dev] [--platform linux] [--arch x64] [--libc glibc]\n',
    );
    return;
  }
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const lock = JSON.parse(
    readFileSync(values.lockfile ?? join(repoRoot, 'package-lock.json'), 'utf8'),
  ) as Lockfile;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const timestamp = epoch ? new Date(Number(epoch) * 1000).toISOString() : new Date().toISOString();
  const bom = buildSbom(lock, {
    includeDev: values['include-dev'] ?? false,
    platform: { os: values.platform ?? 'linux', cpu: values.arch ?? 'x64', libc: values.libc ?? 'glibc' },
    timestamp,
    ...(epoch ? {} : { serialNumber: `urn:uuid:${randomUUID()}` }),
  });
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  if (values.output) {
    writeFileSync(values.output, text);
    process.stderr.write(`wrote ${values.output}: ${bom.components.length} components\n`);
  } else {
    process.stdout.write(text);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`sbom: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
