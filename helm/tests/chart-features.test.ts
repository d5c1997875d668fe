/**
 * Features of the chart: Ingress and public URL, autoscaling, monitoring (ServiceMonitor, alerts,
 * dashboard), vLLM discovery and the bundled vLLM, air-gapped image references, the helm test pod.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from './helm-binary.js';
import { podOf, promqlBalanced, selects, unknownMetrics, volumeOf } from './manifests.js';
import { CHART_DIR, find, type Manifest, NAMESPACE, RELEASE, render, renderOk } from './render.js';

const configOf = (manifests: Manifest[]) =>
  parse((find(manifests, 'ConfigMap', RELEASE).data as Record<string, string>)['config.yaml'] ?? '') as {
    server: { publicUrl?: string };
    gateway?: { backends?: Array<Record<string, unknown>> };
  };

describe('production scenario', () => {
  test('the Ingress terminates TLS and sets the public URL', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const spec = find(manifests, 'Ingress', RELEASE).spec as {
      ingressClassName: string;
      tls: Array<{ secretName: string; hosts: string[] }>;
      rules: Array<{
        host: string;
        http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> };
      }>;
    };
    assert.equal(spec.ingressClassName, 'nginx');
    assert.deepEqual(spec.tls, [{ secretName: 'ai-la-tls', hosts: ['ai-la.corp.example'] }]);
    assert.deepEqual(spec.rules[0]?.http.paths[0]?.backend.service, {
      name: RELEASE,
      port: { name: 'http' },
    });
    assert.equal(configOf(manifests).server.publicUrl, 'https://ai-la.corp.example');
  });

  test('autoscaling replaces the fixed replica count; the PDB protects the same pods', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const deployment = find(manifests, 'Deployment', RELEASE);
    assert.equal((deployment.spec as { replicas?: number }).replicas, undefined);
    const hpa = find(manifests, 'HorizontalPodAutoscaler', RELEASE).spec as Record<string, unknown>;
    assert.deepEqual(hpa.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: RELEASE });
    assert.equal(hpa.minReplicas, 3);
    assert.equal((hpa.metrics as unknown[]).length, 2);
    const pdb = find(manifests, 'PodDisruptionBudget', RELEASE).spec as {
      minAvailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    assert.equal(pdb.minAvailable, 2);
    assert.ok(selects(pdb.selector, podOf(deployment)?.labels ?? {}));
  });

  test('secret files come from several Secrets through one projected volume', async () => {
    const pod = podOf(find(await renderOk({ scenario: 'production' }), 'Deployment', RELEASE));
    const volume = volumeOf<{
      projected: { sources: Array<{ secret: { name: string; items: Array<{ key: string }> } }> };
    }>(pod?.spec, 'secrets');
    assert.deepEqual(
      volume?.projected.sources.map((s) => [s.secret.name, s.secret.items[0]?.key]),
      [
        ['ai-la-secrets', 'database-url'],
        ['ai-la-secrets', 'oidc-connections.json'],
        ['postgres-ca', 'ca.crt'],
      ],
    );
    const env = pod?.spec.containers[0]?.env ?? [];
    assert.ok(
      env.some((e) => e.name === 'AILA_DATABASE_SSL_CA_FILE' && e.value === '/var/run/secrets/ai-la/ca.crt'),
    );
    assert.ok(!env.some((e) => e.name === 'AILA_DATABASE_URL'), 'only the _FILE variant is set');
  });

  test('Vault Agent files and Secret files mix: each entry comes from its own source', async () => {
    const manifests = await renderOk({
      scenario: 'vault',
      setJson: {
        'secrets.files': [
          { env: 'AILA_DATABASE_URL', key: 'uri', secretName: 'ai-la-db-app' },
          {
            env: 'AILA_AUTH_OIDC_CONNECTIONS',
            key: 'oidc',
            vault: { path: 'secret/data/ai-la/oidc', field: 'connections' },
          },
        ],
      },
    });
    for (const kind of ['Deployment', 'Job']) {
      const pod = podOf(manifests.find((m) => m.kind === kind) as Manifest);
      const env = Object.fromEntries((pod?.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
      assert.equal(env.AILA_DATABASE_URL_FILE, '/var/run/secrets/ai-la/uri', kind);
      assert.equal(env.AILA_AUTH_OIDC_CONNECTIONS_FILE, '/vault/secrets/oidc', kind);
      const volume = volumeOf<{ projected: { sources: Array<{ secret: { name: string } }> } }>(
        pod?.spec,
        'secrets',
      );
      assert.deepEqual(
        volume?.projected.sources.map((s) => s.secret.name),
        ['ai-la-db-app'],
      );
      const injected = Object.keys(pod?.annotations ?? {}).filter((k) => k.includes('agent-inject-secret-'));
      assert.deepEqual(injected, ['vault.hashicorp.com/agent-inject-secret-oidc'], kind);
    }
  });

  test('the exports volume is a kept ReadWriteMany claim', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const pvc = find(manifests, 'PersistentVolumeClaim', `${RELEASE}-exports`);
    assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.deepEqual((pvc.spec as { accessModes: string[] }).accessModes, ['ReadWriteMany']);
    // The appliance writes its bundles where the volume is mounted.
    const config = configOf(manifests) as { compliance?: { exports?: { dir?: string } } };
    assert.equal(config.compliance?.exports?.dir, '/var/lib/ai-la/exports');
  });

  test('discovered vLLM Services become DNS backends of the gateway', async () => {
    const backends = configOf(await renderOk({ scenario: 'production' })).gateway?.backends;
    assert.deepEqual(backends, [
      {
        models: ['qwen2.5-coder-32b'],
        dns: { name: 'vllm-qwen-coder.gpu-inference.svc.cluster.local', port: 8000 },
        name: 'vllm-qwen-coder',
      },
      {
        dns: { name: 'vllm-embeddings.gpu-inference.svc.cluster.local', port: 8001 },
        name: 'vllm-embeddings',
      },
    ]);
  });
});

describe('monitoring', () => {
  test('the ServiceMonitor scrapes the metrics port of the appliance Service', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const sm = find(manifests, 'ServiceMonitor', RELEASE);
    assert.equal(sm.metadata.labels?.release, 'kube-prometheus-stack');
    const spec = sm.spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: Array<{ port: string; path: string }>;
    };
    const service = find(manifests, 'Service', RELEASE);
    assert.ok(selects(spec.selector, service.metadata.labels ?? {}));
    const ports = (service.spec as { ports: Array<{ name: string }> }).ports.map((p) => p.name);
    assert.ok(ports.includes(spec.endpoints[0]?.port ?? ''));
    assert.equal(spec.endpoints[0]?.path, '/metrics');
  });

  test('the PrometheusRule covers every required alert, using contract metrics only', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const groups = (
      find(manifests, 'PrometheusRule', RELEASE).spec as {
        groups: Array<{
          rules: Array<{
            alert?: string;
            expr: string;
            labels: Record<string, string>;
            annotations?: Record<string, string>;
          }>;
        }>;
      }
    ).groups;
    const rules = groups.flatMap((g) => g.rules);
    const alerts = rules.map((r) => r.alert);
    for (const required of [
      'AilaHighErrorRate',
      'AilaHighLatency',
      'AilaBackendDown',
      'AilaModelUnavailable',
      'AilaEvidenceSequencerLag',
      'AilaComplianceExportFailed',
      'AilaVaultUnreachable',
      'AilaEvidenceSigningFailed',
      'AilaSigningKeyExpiring',
      'AilaDown',
    ]) {
      assert.ok(alerts.includes(required), `missing ${required}`);
    }
    const errorRate = rules.find((r) => r.alert === 'AilaHighErrorRate');
    assert.match(errorRate?.expr ?? '', /> 0\.01\s*$/);
    assert.match(errorRate?.expr ?? '', /namespace="ai-la",service="ai-la"/);
    for (const r of rules) {
      assert.deepEqual(unknownMetrics(r.expr), [], `${r.alert}: ${r.expr}`);
      assert.ok(promqlBalanced(r.expr), r.expr);
      if (r.alert !== 'AilaGatewaySaturated')
        assert.equal(r.labels.team, 'platform', `${r.alert} additional labels`);
    }
  });

  test('every runbook link points at a runbook section of docs/operations.md', async () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set(
      [...docs.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        (m[1] as string)
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const manifests = await renderOk({ scenario: 'production' });
    const rules = (
      find(manifests, 'PrometheusRule', RELEASE).spec as {
        groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }>;
      }
    ).groups.flatMap((g) => g.rules);
    const links = rules.flatMap((r) => (r.annotations?.runbook_url ? [r.annotations.runbook_url] : []));
    assert.ok(links.length >= 10);
    for (const link of links) {
      assert.ok(link.startsWith('https://docs.corp.example/ai-la/operations#'), link);
      const anchor = link.split('#')[1] ?? '';
      assert.ok(anchors.has(anchor), `docs/operations.md has no section #${anchor}`);
    }
  });

  test('the Grafana dashboard is valid JSON over contract metrics, shipped in a sidecar ConfigMap', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const cm = find(manifests, 'ConfigMap', `${RELEASE}-dashboard`);
    assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
    assert.equal(cm.metadata.annotations?.grafana_folder, 'AI-LA');
    const json = (cm.data as Record<string, string>)['ai-la-overview.json'] ?? '';
    assert.equal(
      json.trim(),
      readFileSync(join(CHART_DIR, 'files/dashboards/ai-la-overview.json'), 'utf8').trim(),
    );
    const dashboard = JSON.parse(json) as {
      uid: string;
      panels: Array<{ id: number; type: string; targets?: Array<{ expr: string }> }>;
    };
    assert.equal(dashboard.uid, 'ai-la-overview');
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(exprs.length >= 15);
    for (const expr of exprs) {
      assert.deepEqual(unknownMetrics(expr), [], expr);
      assert.ok(promqlBalanced(expr), expr);
    }
    const used = new Set(exprs.flatMap((e) => e.match(/\baila_[a-z_]+/g) ?? []));
    for (const metric of [
      'aila_gateway_backend_up',
      'aila_evidence_sequencer_lag_seconds',
      'aila_vault_up',
    ]) {
      assert.ok(used.has(metric), `dashboard shows ${metric}`);
    }
  });
});

describe('vLLM', () => {
  test('the bundled vLLM runs on GPU nodes from a read-only model volume, offline', async () => {
    const manifests = await renderOk({ scenario: 'vllm' });
    const pod = podOf(find(manifests, 'Deployment', `${RELEASE}-vllm`));
    assert.ok(pod);
    const c = pod.spec.containers[0];
    assert.ok(c);
    assert.equal(c.resources?.limits?.['nvidia.com/gpu'], 1);
    assert.deepEqual(pod.spec.nodeSelector, { 'nvidia.com/gpu.product': 'NVIDIA-L40S' });
    assert.deepEqual(pod.spec.tolerations, [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    assert.ok(c.args?.includes('--model=/models/Qwen2.5-Coder-7B-Instruct'));
    assert.ok(c.args?.includes('--served-model-name=qwen2.5-coder-7b-instruct'));
    const models = volumeOf<{ persistentVolumeClaim: { claimName: string; readOnly: boolean } }>(
      pod.spec,
      'models',
    );
    assert.deepEqual(models?.persistentVolumeClaim, { claimName: 'model-weights', readOnly: true });
    assert.ok(c.volumeMounts?.some((m) => m.name === 'models' && m.readOnly === true));
    for (const name of ['HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'VLLM_NO_USAGE_STATS']) {
      assert.ok(
        c.env?.some((e) => e.name === name && e.value === '1'),
        name,
      );
    }
    assert.ok(
      c.env?.some((e) => e.name === 'VLLM_API_KEY' && e.valueFrom),
      'API key from a Secret',
    );
    assert.equal(pod.spec.automountServiceAccountToken, false);
  });

  test('its headless Service is discovered by the gateway', async () => {
    const manifests = await renderOk({ scenario: 'vllm' });
    const service = find(manifests, 'Service', `${RELEASE}-vllm`).spec as { clusterIP: string };
    assert.equal(service.clusterIP, 'None');
    assert.deepEqual(configOf(manifests).gateway?.backends, [
      {
        models: ['qwen2.5-coder-7b-instruct'],
        dns: { name: `${RELEASE}-vllm.${NAMESPACE}.svc.cluster.local`, port: 8000 },
        name: `${RELEASE}-vllm`,
      },
    ]);
  });
});

describe('evidence signing keys', () => {
  test('a signing-key Secret is mounted read-only and the appliance reads its keys from files', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const pod = podOf(find(manifests, 'Deployment', RELEASE))?.spec;
    const volume = volumeOf<{ secret: { secretName: string; defaultMode: number } }>(pod, 'evidence-keys');
    assert.equal(volume?.secret.secretName, 'ai-la-signing-keys');
    assert.equal(volume?.secret.defaultMode, 0o440);
    const container = pod?.containers?.[0] as {
      env: Array<{ name: string; value?: string }>;
      volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
    };
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    assert.equal(env.AILA_EVIDENCE_KEYS_SOURCE, 'file');
    assert.equal(
      env.AILA_EVIDENCE_KEYS_RECEIPT_KEY_FILE,
      '/var/run/secrets/ai-la-evidence/receipt-signing-key.pem',
    );
    assert.equal(env.AILA_EVIDENCE_KEYS_LOG_KEY_FILE, '/var/run/secrets/ai-la-evidence/log-signing-key.pem');
    assert.deepEqual(
      container.volumeMounts.find((m) => m.name === 'evidence-keys'),
      { name: 'evidence-keys', mountPath: '/var/run/secrets/ai-la-evidence', readOnly: true },
    );
  });

  test('Vault Transit: the appliance signs through Vault, nothing is mounted', async () => {
    const manifests = await renderOk({ scenario: 'vault' });
    const pod = podOf(find(manifests, 'Deployment', RELEASE))?.spec;
    assert.equal(volumeOf(pod, 'evidence-keys'), undefined);
    const container = pod?.containers?.[0] as { env: Array<{ name: string; value?: string }> };
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    assert.equal(env.AILA_EVIDENCE_KEYS_SOURCE, 'transit');
    assert.equal(env.AILA_EVIDENCE_KEYS_TRANSIT_MOUNT, 'transit');
    assert.equal(env.AILA_EVIDENCE_KEYS_TRANSIT_RECEIPT_KEY, 'ai-la-receipts');
    assert.equal(env.AILA_EVIDENCE_KEYS_TRANSIT_LOG_KEY, 'ai-la-log');
    assert.equal(env.AILA_EVIDENCE_KEYS_RECEIPT_KEY_FILE, undefined);
  });

  test("Transit needs the appliance's Vault client and excludes a key Secret", async () => {
    const alone = await render({
      scenario: 'default',
      set: { 'evidence.signingKeys.transit.enabled': 'true' },
    });
    assert.notEqual(alone.code, 0);
    assert.match(alone.stderr, /evidence\.signingKeys\.transit\.enabled needs config\.secrets\.vault/);
    const both = await render({
      scenario: 'vault',
      set: { 'evidence.signingKeys.existingSecret': 'ai-la-signing-keys' },
    });
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /either transit\.enabled .* or existingSecret/);
    const badName = await render({
      scenario: 'vault',
      set: { 'evidence.signingKeys.transit.logKey': 'a/b' },
    });
    assert.notEqual(badName.code, 0);
    assert.match(badName.stderr, /logKey/);
  });

  test('without the Secret nothing is mounted (development keys; refused by the appliance in production)', async () => {
    const manifests = await renderOk({ scenario: 'default' });
    const pod = podOf(find(manifests, 'Deployment', RELEASE))?.spec;
    assert.equal(volumeOf(pod, 'evidence-keys'), undefined);
  });
});

describe('air-gapped', () => {
  test('every image, including the Vault Agent, comes from the mirror and is pinned by digest', async () => {
    const manifests = await renderOk({ scenario: 'airgapped' });
    const images = manifests.flatMap((m) => {
      const pod = podOf(m);
      if (!pod) return [];
      const agent = pod.annotations['vault.hashicorp.com/agent-image'];
      return [...pod.spec.containers.map((c) => c.image), ...(agent ? [agent] : [])];
    });
    assert.ok(images.length >= 5);
    for (const image of images) {
      assert.match(image, /^registry\.corp\.internal\//, image);
      assert.match(image, /@sha256:[a-f0-9]{64}$/, image);
    }
    for (const m of manifests) {
      const pod = podOf(m);
      if (pod)
        assert.deepEqual((pod.spec as { imagePullSecrets?: unknown }).imagePullSecrets, [
          { name: 'corp-registry' },
        ]);
    }
  });
});

describe('helm test', () => {
  test('the test pod checks liveness, readiness and metrics through the Service with the appliance image', async () => {
    const manifests = await renderOk({ scenario: 'default' });
    const pod = find(manifests, 'Pod', `${RELEASE}-test`);
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    const spec = podOf(pod)?.spec;
    const c = spec?.containers[0];
    assert.equal(c?.image, podOf(find(manifests, 'Deployment', RELEASE))?.spec.containers[0]?.image);
    assert.equal(c?.command?.[0], 'node');
    const script = c?.command?.at(-1) ?? '';
    for (const path of ['/livez', '/readyz', '/metrics']) assert.ok(script.includes(path), path);
    assert.deepEqual(
      c?.env?.map((e) => e.value),
      [
        `http://${RELEASE}.${NAMESPACE}.svc.cluster.local:8080`,
        `http://${RELEASE}.${NAMESPACE}.svc.cluster.local:9464`,
      ],
    );
    assert.equal(spec?.restartPolicy, 'Never');
  });
});
