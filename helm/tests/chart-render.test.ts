/**
 * The chart lints cleanly and every CI scenario renders manifests that validate against the
 * Kubernetes schemas, carry the standard labels and run under the restricted Pod Security Standard.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../server/src/config/validate.js';
import { runHelm } from './helm-binary.js';
import { podOf, validateManifest } from './manifests.js';
import {
  CHART_DIR,
  find,
  KUBE_VERSION,
  NAMESPACE,
  RELEASE,
  renderOk,
  scenarioFile,
  scenarios,
} from './render.js';

const SCENARIOS = scenarios();

describe('helm lint --strict', () => {
  test('there are CI scenarios to lint', () => {
    assert.ok(SCENARIOS.length >= 5, `found ${SCENARIOS.join(', ')}`);
  });
  for (const name of SCENARIOS) {
    test(`ci/${name}-values.yaml lints without warnings`, async () => {
      const r = await runHelm([
        'lint',
        CHART_DIR,
        '--strict',
        '--kube-version',
        KUBE_VERSION,
        '-f',
        scenarioFile(name),
      ]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.doesNotMatch(r.stdout, /\[(WARNING|ERROR)\]/);
    });
  }
});

describe('rendered manifests', () => {
  for (const name of SCENARIOS) {
    test(`${name}: every manifest validates against its schema`, async () => {
      const manifests = await renderOk({ scenario: name });
      assert.ok(manifests.length > 5);
      const problems = manifests.flatMap(validateManifest);
      assert.deepEqual(problems, []);
    });

    test(`${name}: names, namespaces and labels follow the conventions`, async () => {
      const manifests = await renderOk({ scenario: name });
      const seen = new Set<string>();
      for (const m of manifests) {
        const id = `${m.kind}/${m.metadata.name}`;
        assert.ok(!seen.has(id), `duplicate ${id}`);
        seen.add(id);
        assert.match(m.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, id);
        assert.ok(m.metadata.name.length <= 63, `${id} name too long`);
        assert.equal(m.metadata.namespace, NAMESPACE, `${id} namespace`);
        const labels = m.metadata.labels ?? {};
        assert.equal(labels['app.kubernetes.io/name'], 'ai-la', id);
        assert.equal(labels['app.kubernetes.io/instance'], RELEASE, id);
        assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', id);
        assert.ok(labels['app.kubernetes.io/component'], `${id} has a component label`);
      }
    });

    test(`${name}: the chart never renders a Secret`, async () => {
      const manifests = await renderOk({ scenario: name });
      assert.deepEqual(
        manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name),
        [],
      );
    });

    test(`${name}: every pod runs under the restricted Pod Security Standard`, async () => {
      const manifests = await renderOk({ scenario: name });
      const pods = manifests.flatMap((m) => {
        const pod = podOf(m);
        return pod ? [{ id: `${m.kind}/${m.metadata.name}`, ...pod }] : [];
      });
      assert.ok(pods.length >= 3, 'server Deployment, migration Job and test Pod at least');
      for (const { id, spec } of pods) {
        assert.equal(spec.securityContext?.runAsNonRoot, true, `${id} runAsNonRoot`);
        assert.deepEqual(spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' }, `${id} seccomp`);
        assert.ok(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC, `${id} host namespaces`);
        for (const volume of spec.volumes ?? [])
          assert.equal(volume.hostPath, undefined, `${id} hostPath volume`);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          const sc = c.securityContext ?? {};
          const where = `${id} container ${c.name}`;
          assert.equal(sc.allowPrivilegeEscalation, false, `${where} allowPrivilegeEscalation`);
          assert.equal(sc.readOnlyRootFilesystem, true, `${where} readOnlyRootFilesystem`);
          assert.notEqual(sc.privileged, true, `${where} privileged`);
          assert.deepEqual(
            (sc.capabilities as { drop?: string[] } | undefined)?.drop,
            ['ALL'],
            `${where} caps`,
          );
          assert.ok(c.resources?.requests && c.resources.limits, `${where} resources`);
          assert.ok(c.resources.limits.memory, `${where} memory limit`);
        }
      }
    });

    test(`${name}: the appliance writes only to /tmp and the exports volume`, async () => {
      const manifests = await renderOk({ scenario: name });
      for (const kind of ['Deployment', 'Job']) {
        const workload = manifests.find((m) => m.kind === kind && m.metadata.name.startsWith(RELEASE));
        assert.ok(workload, kind);
        const pod = podOf(workload);
        const container = pod?.spec.containers[0];
        assert.ok(container);
        assert.equal(container.securityContext?.runAsUser, 10001);
        const writable = (container.volumeMounts ?? []).filter((v) => !v.readOnly).map((v) => v.mountPath);
        const allowed = kind === 'Deployment' ? ['/tmp', '/var/lib/ai-la/exports'] : ['/tmp'];
        assert.deepEqual(writable.sort(), allowed.sort(), `${kind} writable mounts`);
        const tmp = pod?.spec.volumes?.find((v) => v.name === 'tmp');
        assert.ok(tmp?.emptyDir, `${kind} /tmp is an emptyDir`);
      }
    });

    test(`${name}: the Deployment's config checksum matches the ConfigMap`, async () => {
      const manifests = await renderOk({ scenario: name });
      const cm = find(manifests, 'ConfigMap', RELEASE);
      const content = (cm.data as Record<string, string>)['config.yaml'] ?? '';
      const pod = podOf(find(manifests, 'Deployment', RELEASE));
      const expected = createHash('sha256').update(content.replace(/\n$/, '')).digest('hex');
      assert.equal(pod?.annotations['checksum/config'], expected);
      const config = parse(content) as {
        database?: { migrateOnStart?: boolean };
        server?: { port?: number };
      };
      assert.equal(config.database?.migrateOnStart, false, 'migrations run in the hook, not at boot');
      const migration = find(manifests, 'ConfigMap', `${RELEASE}-migrate`);
      assert.equal(
        (migration.data as Record<string, string>)['config.yaml'],
        content,
        'hook uses the same config',
      );
    });

    test(`${name}: probes and ports follow the appliance contract`, async () => {
      const manifests = await renderOk({ scenario: name });
      const c = podOf(find(manifests, 'Deployment', RELEASE))?.spec.containers[0];
      assert.ok(c);
      assert.deepEqual(c.args, ['serve']);
      assert.deepEqual(
        c.ports?.map((p) => [p.name, p.containerPort]),
        [
          ['http', 8080],
          ['metrics', 9464],
        ],
      );
      assert.deepEqual(c.startupProbe, {
        ...(c.startupProbe as object),
        httpGet: { path: '/livez', port: 'http' },
      });
      assert.equal((c.livenessProbe as { httpGet: { path: string } }).httpGet.path, '/livez');
      assert.equal((c.readinessProbe as { httpGet: { path: string } }).httpGet.path, '/readyz');
      assert.ok(c.env?.some((e) => e.name === 'AILA_CONFIG' && e.value === '/etc/ai-la/config.yaml'));
    });
  }
});

describe('appliance configuration', () => {
  // The chart's own default configuration must always pass the appliance's schema; scenario
  // configurations are the operator's and the appliance validates them at boot.
  test('the chart default config.yaml is accepted by the appliance configuration schema', async () => {
    const cm = find(await renderOk({ scenario: 'default' }), 'ConfigMap', RELEASE);
    const config = parse((cm.data as Record<string, string>)['config.yaml'] ?? '') as Record<string, unknown>;
    assert.deepEqual(validateConfig(config), []);
  });
});

describe('values documentation and schema', () => {
  const valuesText = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
  const values = parse(valuesText) as Record<string, unknown>;
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as SchemaNode;
  const documented = new Set([...valuesText.matchAll(/^\s*## @param (\S+) /gm)].map((m) => m[1] as string));

  interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    additionalProperties?: boolean | SchemaNode;
    $ref?: string;
    definitions?: Record<string, SchemaNode>;
  }
  const resolve = (node: SchemaNode): SchemaNode =>
    node.$ref ? resolve(schema.definitions?.[node.$ref.replace('#/definitions/', '')] ?? {}) : node;

  /** Leaf paths of values.yaml, stopping at keys whose value is documented as a whole. */
  function leaves(node: unknown, path: string[]): string[] {
    const key = path.join('.');
    if (path.length > 0 && documented.has(key)) return [key];
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      return Object.entries(node).flatMap(([k, v]) => leaves(v, [...path, k]));
    }
    return [key];
  }

  test('every value is documented with @param', () => {
    const undocumented = leaves(values, []).filter((p) => !documented.has(p));
    assert.deepEqual(undocumented, []);
  });

  test('the chart README lists every parameter', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const cells = new Set([...readme.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]));
    const missing = [...documented].filter((p) => !cells.has(p));
    assert.deepEqual(missing, []);
  });

  test('every documented value exists in values.yaml and in the schema', () => {
    for (const path of documented) {
      let node: SchemaNode = schema;
      let value: unknown = values;
      for (const step of path.split('.')) {
        const next = resolve(node).properties?.[step];
        assert.ok(next, `${path}: no schema property ${step}`);
        node = next;
        assert.ok(
          value !== null && typeof value === 'object' && step in value,
          `${path}: not in values.yaml`,
        );
        value = (value as Record<string, unknown>)[step];
      }
    }
  });

  test('the schema is closed: unknown keys are rejected at every level with a fixed shape', () => {
    const open: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      const n = resolve(node);
      if (!n.properties) return;
      if (n.additionalProperties !== false && path !== 'config') open.push(path || '(root)');
      for (const [k, v] of Object.entries(n.properties)) {
        if (path === 'config') continue;
        walk(v, path ? `${path}.${k}` : k);
      }
    };
    walk(schema, '');
    // Security contexts stay open to accept any Kubernetes field, but their dangerous keys are pinned.
    assert.deepEqual(
      open.filter((p) => !/(SecurityContext|securityContext)$/.test(p)),
      [],
    );
  });
});
