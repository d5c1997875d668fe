/**
 * The image the chart deploys: the Dockerfile's shape (no Docker engine is needed to check it),
 * its agreement with the chart and the server package, the build context, and the SBOM script.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  buildSbom,
  hashesOf,
  type Lockfile,
  licensesOf,
  purlOf,
  resolveDependency,
} from '../../server/scripts/sbom.js';
import { REPO_ROOT } from './helm-binary.js';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: (op ?? '').toUpperCase(), args: rest.join(' ') };
    });
}

/** Splits instructions into build stages. */
function stages(all: Instruction[]): Array<{ from: string; name?: string; body: Instruction[] }> {
  const out: Array<{ from: string; name?: string; body: Instruction[] }> = [];
  for (const i of all) {
    if (i.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      out.push({ from: m?.[1] ?? '', ...(m?.[2] ? { name: m[2] } : {}), body: [] });
    } else out.at(-1)?.body.push(i);
  }
  return out;
}

/** .dockerignore semantics (Go filepath.Match plus `**`): a path is excluded when it or a parent matches. */
function ignored(patterns: string[], path: string): boolean {
  const regexes = patterns.map((p) => {
    let body = '';
    const pattern = p.replace(/\/$/, '');
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i] as string;
      if (pattern.startsWith('**/', i)) {
        body += '(.*/)?';
        i += 2;
      } else if (pattern.startsWith('**', i)) {
        body += '.*';
        i += 1;
      } else if (ch === '*') body += '[^/]*';
      else if (ch === '?') body += '[^/]';
      else body += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
    }
    return new RegExp(`^${body}$`);
  });
  const parts = path.replace(/\/$/, '').split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    if (regexes.some((r) => r.test(prefix))) return true;
  }
  return false;
}

const dockerfile = readFileSync(join(REPO_ROOT, 'server', 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const built = stages(all);
const runtime = built.at(-1);
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const argDefault = (name: string) =>
  all.find((i) => i.op === 'ARG' && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1);

describe('Dockerfile', () => {
  test('is multi-stage with a distroless (or slim) runtime stage', () => {
    assert.ok(built.length >= 3, 'toolchain/build, production deps and runtime stages');
    assert.equal(runtime?.from, `\${RUNTIME_IMAGE}`);
    assert.match(argDefault('RUNTIME_IMAGE') ?? '', /distroless\/nodejs20|node:20[-.\w]*-slim/);
    assert.ok(!runtime?.body.some((i) => i.op === 'RUN'), 'the runtime stage has no shell and runs nothing');
  });

  test('installs production dependencies only for the runtime', () => {
    const deps = built.find((s) => s.body.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    assert.ok(deps?.name, 'a stage runs npm ci --omit=dev');
    const copies = runtime?.body.filter((i) => i.op === 'COPY' && i.args.includes('node_modules')) ?? [];
    assert.ok(copies.length > 0);
    for (const c of copies) assert.match(c.args, new RegExp(`--from=${deps.name}\\b`), c.args);
  });

  test('runs as UID 10001 with the contract entrypoint, ports and health check', () => {
    const body = runtime?.body ?? [];
    assert.equal(body.filter((i) => i.op === 'USER').at(-1)?.args, '10001:10001');
    assert.equal(
      body.find((i) => i.op === 'ENTRYPOINT')?.args,
      '["node", "/app/server/dist/src/cli/index.js"]',
    );
    assert.equal(body.find((i) => i.op === 'CMD')?.args, '["serve"]');
    assert.equal(body.find((i) => i.op === 'EXPOSE')?.args, '8080 9464');
    const health = body.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    assert.match(health, /CMD \["node", "-e", ".*\/livez/);
    assert.match(health, /8080/);
    const env = body
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    assert.match(env, /NODE_ENV=production/);
  });

  test('writable paths exist for the runtime user; everything else is root-owned', () => {
    const chown = (runtime?.body ?? []).filter((i) => i.op === 'COPY' && i.args.includes('--chown'));
    assert.deepEqual(
      chown.map((i) => i.args),
      ['--from=deps --chown=10001:10001 /staging/var/lib/ai-la /var/lib/ai-la'],
    );
    assert.match(dockerfile, /mkdir -p \/staging\/var\/lib\/ai-la\/exports/);
  });

  test('carries the OCI image labels', () => {
    const labels = (runtime?.body ?? [])
      .filter((i) => i.op === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    for (const key of [
      'title',
      'description',
      'version',
      'revision',
      'created',
      'source',
      'licenses',
      'vendor',
      'base.name',
    ]) {
      assert.ok(labels.includes(`org.opencontainers.image.${key}=`), key);
    }
  });

  test('agrees with the server package and the chart', () => {
    const server = JSON.parse(readFileSync(join(REPO_ROOT, 'server', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    assert.equal(`/app/server/${server.bin.aila}`, '/app/server/dist/src/cli/index.js');
    const values = parse(readFileSync(join(REPO_ROOT, 'helm', 'ai-la', 'values.yaml'), 'utf8')) as {
      containerSecurityContext: { runAsUser: number; runAsGroup: number };
      persistence: { exports: { mountPath: string } };
      config: { server: { port: number }; metrics: { port: number } };
    };
    assert.equal(values.containerSecurityContext.runAsUser, 10001);
    assert.equal(values.containerSecurityContext.runAsGroup, 10001);
    assert.equal(values.persistence.exports.mountPath, '/var/lib/ai-la/exports');
    assert.deepEqual([values.config.server.port, values.config.metrics.port], [8080, 9464]);
  });

  test('copies only files that exist in the build context and are not ignored', () => {
    const sources = all
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    assert.ok(sources.length >= 8);
    for (const source of sources) {
      assert.ok(existsSync(join(REPO_ROOT, source)), `${source} exists`);
      assert.ok(!ignored(dockerignore, source), `${source} is not excluded by .dockerignore`);
    }
  });
});

describe('.dockerignore', () => {
  test('keeps dependencies, VCS data, local state and secrets out of the build context', () => {
    for (const path of [
      'node_modules/express',
      'server/node_modules/x',
      '.git/HEAD',
      '.tools/helm-v3.17.3',
      'server/dist/src/cli/index.js',
      '.aila/data',
      '.env',
      'compose/.env',
      'ai-la-0.1.0.tgz',
      'helm/ai-la/values.yaml',
      'server/test/fixtures/idp.key',
    ]) {
      assert.ok(ignored(dockerignore, path), `${path} is ignored`);
    }
    for (const path of [
      'server/src/cli/index.ts',
      'server/migrations/x.ts',
      'admin-ui/package.json',
      'LICENSE',
    ]) {
      assert.ok(!ignored(dockerignore, path), `${path} is in the context`);
    }
  });
});

describe('SBOM (server/scripts/sbom.ts)', () => {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const platform = { os: 'linux', cpu: 'x64', libc: 'glibc' };
  const options = { includeDev: false, platform, timestamp: '2024-01-01T00:00:00.000Z' };

  test('lists exactly the packages `npm ci --omit=dev` installs on linux/x64', () => {
    const bom = buildSbom(lock, options);
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.equal(bom.specVersion, '1.5');
    assert.match(
      bom.serialNumber,
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const installed = Object.entries(lock.packages)
      .filter(([path, p]) => path.includes('node_modules/') && !p.dev && !p.link)
      .filter(([, p]) => (!p.os || p.os.includes('linux')) && (!p.cpu || p.cpu.includes('x64')))
      .filter(([, p]) => !p.libc || p.libc.includes('glibc'))
      .map(([path]) => path)
      .sort();
    const listed = bom.components
      .flatMap((c) => (c.properties ?? []).map((p) => p.value))
      .filter((p) => p.includes('node_modules/'))
      .sort();
    assert.deepEqual(listed, installed);
    const names = new Set(bom.components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
    for (const prod of ['express', 'knex', 'pg', 'pino', '@ai-la/server']) assert.ok(names.has(prod), prod);
    for (const dev of ['typescript', '@biomejs/biome', 'tsx'])
      assert.ok(!names.has(dev), `${dev} is dev only`);
  });

  test('is deterministic and internally consistent', () => {
    const a = buildSbom(lock, options);
    assert.deepEqual(buildSbom(lock, options), a);
    const refs = new Set(a.components.map((c) => c['bom-ref']));
    assert.equal(refs.size, a.components.length, 'bom-refs are unique');
    refs.add(a.metadata.component['bom-ref']);
    for (const d of a.dependencies) {
      assert.ok(refs.has(d.ref), d.ref);
      for (const on of d.dependsOn) assert.ok(refs.has(on), `${d.ref} → ${on}`);
    }
    for (const c of a.components) {
      for (const h of c.hashes ?? [])
        assert.match(h.content, h.alg === 'SHA-512' ? /^[0-9a-f]{128}$/ : /^[0-9a-f]+$/);
    }
    assert.ok(
      buildSbom(lock, { ...options, includeDev: true }).components.some((c) => c.name === 'typescript'),
    );
  });

  test('resolves nested node_modules, platforms, purls, hashes and licences like npm', () => {
    const synthetic: Lockfile = {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0', workspaces: ['ws'], devDependencies: { dev: '1' } },
        ws: {
          name: '@app/ws',
          version: '1.0.0',
          dependencies: { a: '1', '@s/b': '2' },
          optionalDependencies: { native: '1' },
        },
        'node_modules/@app/ws': { resolved: 'ws', link: true },
        'node_modules/a': { version: '1.0.0', dependencies: { '@s/b': '1' }, license: 'MIT OR Apache-2.0' },
        'node_modules/a/node_modules/@s/b': { version: '1.0.0', integrity: 'sha512-AAAA', license: 'MIT' },
        'node_modules/@s/b': { version: '2.0.0', license: 'SEE LICENSE IN LICENSE.md' },
        'node_modules/native': { version: '1.0.0', optional: true, os: ['darwin'] },
        'node_modules/dev': { version: '1.0.0', dev: true },
      },
    };
    assert.equal(resolveDependency(synthetic, 'node_modules/a', '@s/b'), 'node_modules/a/node_modules/@s/b');
    assert.equal(resolveDependency(synthetic, 'ws', '@s/b'), 'node_modules/@s/b');
    const bom = buildSbom(synthetic, options);
    assert.deepEqual(
      bom.components.map((c) => c.purl),
      ['pkg:npm/%40app/ws@1.0.0', 'pkg:npm/%40s/b@1.0.0', 'pkg:npm/%40s/b@2.0.0', 'pkg:npm/a@1.0.0'],
    );
    assert.deepEqual(bom.dependencies.find((d) => d.ref === 'pkg:npm/a@1.0.0')?.dependsOn, [
      'pkg:npm/%40s/b@1.0.0',
    ]);
    assert.equal(purlOf('@scope/name', '1.0.0-beta.1'), 'pkg:npm/%40scope/name@1.0.0-beta.1');
    assert.deepEqual(hashesOf('sha512-AAAA'), [{ alg: 'SHA-512', content: '000000' }]);
    assert.deepEqual(licensesOf('MIT OR Apache-2.0'), [{ expression: 'MIT OR Apache-2.0' }]);
    assert.deepEqual(licensesOf('SEE LICENSE IN LICENSE.md'), [
      { license: { name: 'SEE LICENSE IN LICENSE.md' } },
    ]);
    delete synthetic.packages['node_modules/a'];
    assert.throws(() => buildSbom(synthetic, options), /dependency a is not in the lockfile/);
  });
});
