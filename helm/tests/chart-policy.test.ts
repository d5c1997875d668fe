/**
 * Security policy of the chart: default-deny NetworkPolicies with explicit egress, the migration
 * hook, and refusal to render secrets written in plain values or unsafe settings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { podOf, selects } from './manifests.js';
import { find, type Manifest, RELEASE, type RenderOptions, render, renderOk, scenarios } from './render.js';

interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: Array<{ protocol?: string; port?: number | string }>;
}
interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

const policies = (manifests: Manifest[]) =>
  manifests
    .filter((m) => m.kind === 'NetworkPolicy')
    .map((m) => ({ name: m.metadata.name, spec: m.spec as PolicySpec }));

const egressPorts = (spec: PolicySpec) =>
  (spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`));

describe('NetworkPolicy', () => {
  for (const name of scenarios()) {
    test(`${name}: every pod is selected by a default-deny policy for both directions`, async () => {
      const manifests = await renderOk({ scenario: name });
      const nps = policies(manifests);
      for (const m of manifests) {
        const pod = podOf(m);
        if (!pod || m.kind === 'Pod') continue; // the helm test pod only makes outbound checks
        const matching = nps.filter((np) => selects(np.spec.podSelector, pod.labels));
        assert.equal(matching.length, 1, `${m.kind}/${m.metadata.name} is selected by exactly one policy`);
        assert.deepEqual(matching[0]?.spec.policyTypes, ['Ingress', 'Egress']);
      }
    });

    test(`${name}: no rule allows every destination or source`, async () => {
      for (const { name: np, spec } of policies(await renderOk({ scenario: name }))) {
        for (const rule of spec.egress ?? []) {
          assert.ok(rule.to && rule.to.length > 0, `${np}: an egress rule without peers allows everything`);
          assert.ok(
            rule.ports && rule.ports.length > 0,
            `${np}: an egress rule without ports allows every port`,
          );
          for (const peer of rule.to)
            assert.notEqual(peer.ipBlock?.cidr, '0.0.0.0/0', `${np}: egress to anywhere`);
        }
        for (const rule of spec.ingress ?? []) {
          assert.ok(
            rule.from && rule.from.length > 0,
            `${np}: an ingress rule without peers admits everyone`,
          );
          assert.ok(rule.ports && rule.ports.length > 0, `${np}: an ingress rule without ports`);
        }
      }
    });
  }

  test('the appliance may reach DNS over UDP and TCP and PostgreSQL, and nothing more by default', async () => {
    const spec = find(await renderOk({ scenario: 'default' }), 'NetworkPolicy', RELEASE).spec as PolicySpec;
    assert.deepEqual(egressPorts(spec), ['UDP/53', 'TCP/53', 'TCP/5432']);
    const ingressPorts = (spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
    assert.deepEqual([...new Set(ingressPorts)].sort(), ['http', 'metrics']);
  });

  test('explicit egress by CIDR and selector: PostgreSQL, Vault, IdP, vLLM, OTLP', async () => {
    const manifests = await renderOk({ scenario: 'production' });
    const spec = find(manifests, 'NetworkPolicy', RELEASE).spec as PolicySpec;
    const cidrs = (spec.egress ?? []).flatMap((r) =>
      (r.to ?? []).flatMap((p) => (p.ipBlock ? [p.ipBlock.cidr] : [])),
    );
    assert.deepEqual(cidrs, ['169.254.20.10/32', '10.20.0.0/24', '10.30.1.0/28', '10.40.0.0/16']);
    const vllm = (spec.egress ?? []).find((r) => r.to?.some((p) => p.ipBlock?.cidr === '10.40.0.0/16'));
    assert.ok(vllm);
    // discovered Services are reached by pod and namespace selector, on their own ports
    assert.deepEqual(vllm.to?.slice(1), [
      {
        podSelector: { matchLabels: { app: 'vllm-qwen-coder' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gpu-inference' } },
      },
      {
        podSelector: { matchLabels: { app: 'vllm-embeddings' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gpu-inference' } },
      },
    ]);
    assert.deepEqual(
      vllm.ports?.map((p) => p.port),
      [8000, 8001],
    );
    assert.ok(egressPorts(spec).includes('TCP/4318'));
    assert.ok(egressPorts(spec).includes('TCP/443'));
  });

  test('Vault egress is present whenever the Vault Agent Injector is used', async () => {
    const manifests = await renderOk({ scenario: 'vault' });
    for (const np of [RELEASE, `${RELEASE}-migrate`]) {
      assert.ok(
        egressPorts(find(manifests, 'NetworkPolicy', np).spec as PolicySpec).includes('TCP/8200'),
        np,
      );
    }
  });

  test('the bundled vLLM admits only the appliance (and metrics scrapers) and has no egress', async () => {
    const manifests = await renderOk({ scenario: 'vllm' });
    const spec = find(manifests, 'NetworkPolicy', `${RELEASE}-vllm`).spec as PolicySpec;
    assert.deepEqual(spec.egress, []);
    const from = spec.ingress?.[0]?.from ?? [];
    assert.equal(from[0]?.podSelector?.matchLabels?.['app.kubernetes.io/component'], 'server');
    const server = find(manifests, 'NetworkPolicy', RELEASE).spec as PolicySpec;
    const toVllm = server.egress?.find((r) =>
      r.to?.some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'vllm'),
    );
    assert.deepEqual(toVllm?.ports, [{ protocol: 'TCP', port: 8000 }]);
  });
});

describe('migration hook', () => {
  test('runs `aila migrate up` before install and upgrade, after its dependencies', async () => {
    const manifests = await renderOk({ scenario: 'default' });
    const hookOf = (kind: string) => find(manifests, kind, `${RELEASE}-migrate`).metadata.annotations ?? {};
    const job = find(manifests, 'Job', `${RELEASE}-migrate`);
    assert.equal(hookOf('Job')['helm.sh/hook'], 'pre-install,pre-upgrade');
    for (const kind of ['ServiceAccount', 'ConfigMap', 'NetworkPolicy']) {
      assert.equal(hookOf(kind)['helm.sh/hook'], 'pre-install,pre-upgrade', kind);
      assert.ok(
        Number(hookOf(kind)['helm.sh/hook-weight']) < Number(hookOf('Job')['helm.sh/hook-weight']),
        kind,
      );
      assert.match(hookOf(kind)['helm.sh/hook-delete-policy'] ?? '', /before-hook-creation/);
    }
    const pod = podOf(job);
    assert.ok(pod);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.equal(pod.spec.serviceAccountName, `${RELEASE}-migrate`);
    assert.deepEqual(pod.spec.containers[0]?.args, ['migrate', 'up']);
    assert.equal(
      (pod.spec.volumes?.find((v) => v.name === 'config')?.configMap as { name?: string } | undefined)?.name,
      `${RELEASE}-migrate`,
    );
    const others = manifests.filter(
      (m) => !m.metadata.name.endsWith('-migrate') && !m.metadata.name.endsWith('-test'),
    );
    for (const m of others)
      assert.equal(m.metadata.annotations?.['helm.sh/hook'], undefined, `${m.kind} is not a hook`);
  });

  test('with the Vault Agent Injector the Job agent only pre-populates, so the Job completes', async () => {
    const manifests = await renderOk({ scenario: 'vault' });
    const job = podOf(find(manifests, 'Job', `${RELEASE}-migrate`));
    const server = podOf(find(manifests, 'Deployment', RELEASE));
    assert.equal(job?.annotations['vault.hashicorp.com/agent-pre-populate-only'], 'true');
    assert.equal(server?.annotations['vault.hashicorp.com/agent-pre-populate-only'], 'false');
    assert.equal(job?.spec.automountServiceAccountToken, true);
    const template = server?.annotations['vault.hashicorp.com/agent-inject-template-scim-token'];
    assert.equal(template, '{{- with secret "secret/data/ai-la/scim" -}}{{ .Data.data.token }}{{- end -}}');
    assert.ok(
      server?.spec.containers[0]?.env?.some(
        (e) => e.name === 'AILA_DATABASE_URL_FILE' && e.value === '/vault/secrets/database-url',
      ),
    );
    assert.equal(
      server?.spec.volumes?.find((v) => v.name === 'secrets'),
      undefined,
      'no Secret volume',
    );
  });

  test('disabling the hook requires migrateOnStart', async () => {
    const r = await render({ scenario: 'default', set: { 'migrations.enabled': 'false' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /migrateOnStart/);
    const ok = await renderOk({
      scenario: 'default',
      set: { 'migrations.enabled': 'false', 'config.database.migrateOnStart': 'true' },
    });
    assert.ok(!ok.some((m) => m.kind === 'Job'));
  });
});

describe('secrets are never accepted in plain values', () => {
  const leaks: Array<[string, RenderOptions, RegExp]> = [
    [
      'database URL with a password',
      { setString: { 'config.database.url': 'postgresql://aila:hunter2@db:5432/aila' } },
      /config\.database\.url: a URL with an embedded password/,
    ],
    [
      'OIDC client secret',
      {
        setJson: {
          'config.auth.oidc.connections': [
            { name: 'corp', issuer: 'https://idp', clientId: 'a', clientSecret: 's3cr3t' },
          ],
        },
      },
      /config\.auth\.oidc\.connections\[0\]\.clientSecret: secrets must not/,
    ],
    [
      'API key of a discovered backend',
      { setJson: { 'vllm.discovery.services': [{ name: 'vllm', backend: { apiKey: 'sk-1' } }] } },
      /config\.gateway\.backends\[0\]\.apiKey/,
    ],
    ['audit HMAC key', { setString: { 'config.audit.hmacKey': 'c2VjcmV0' } }, /config\.audit\.hmacKey/],
    [
      'SAML private key',
      { setString: { 'config.auth.saml.spKey': '-----BEGIN PRIVATE KEY-----\nMIIE' } },
      /config\.auth\.saml\.spKey: a private key/,
    ],
    ['SCIM token', { setString: { 'config.auth.scim.token': 'tok' } }, /config\.auth\.scim\.token/],
    [
      'upstream API key in a backend list',
      { setJson: { 'config.gateway.backends': [{ url: 'http://vllm:8000', apiKey: 'sk-1' }] } },
      /config\.gateway\.backends\[0\]\.apiKey/,
    ],
    [
      'signing key',
      { setString: { 'config.evidence.signingKey': 'ed25519:abc' } },
      /config\.evidence\.signingKey/,
    ],
    [
      'Vault token',
      { setString: { 'config.secrets.vault.token': 'hvs.abc' } },
      /config\.secrets\.vault\.token/,
    ],
    [
      'OTLP authorization header',
      { setString: { 'config.telemetry.otlp.headers.authorization': 'Bearer x' } },
      /authorization/,
    ],
    [
      'plain database URL in extraEnv',
      { setJson: { extraEnv: [{ name: 'AILA_DATABASE_URL', value: 'postgresql://a:b@c/d' }] } },
      /extraEnv\[0\] \(AILA_DATABASE_URL\)/,
    ],
    [
      'model hub token in the vLLM env',
      { setJson: { 'vllm.deploy.extraEnv': [{ name: 'HF_TOKEN', value: 'hf_x' }] } },
      /vllm\.deploy\.extraEnv\[0\] \(HF_TOKEN\)/,
    ],
  ];
  for (const [what, options, message] of leaks) {
    test(`${what} fails rendering`, async () => {
      const r = await render({ scenario: 'default', ...options });
      assert.notEqual(r.code, 0, `${what} rendered`);
      assert.match(r.stderr, message);
    });
  }

  test('vault: references, _FILE variables and secretKeyRef are accepted', async () => {
    const manifests = await renderOk({
      scenario: 'default',
      setString: {
        'config.audit.hmacKey': 'vault:secret/ai-la/audit#hmac-key',
        'config.secrets.vault.auth.jwtPath': '/var/run/secrets/kubernetes.io/serviceaccount/token',
      },
      setJson: {
        'networkPolicy.egress.vault.to': [{ ipBlock: { cidr: '10.0.20.5/32' } }],
        extraEnv: [
          { name: 'AILA_AUTH_SAML_SP_KEY_FILE', value: '/var/run/secrets/saml/key.pem' },
          { name: 'AILA_GATEWAY_API_KEY', valueFrom: { secretKeyRef: { name: 'upstream', key: 'api-key' } } },
        ],
      },
    });
    assert.ok(manifests.length > 0);
  });
});

describe('unsafe or incomplete values are refused', () => {
  const refusals: Array<[string, RenderOptions, RegExp]> = [
    [
      'no Secret for the secret files',
      { set: { 'secrets.existingSecret': '' } },
      /set secrets\.existingSecret/,
    ],
    [
      'a NetworkPolicy that cannot reach PostgreSQL',
      { setJson: { 'networkPolicy.egress.postgresql.to': [] } },
      /postgresql\.to is empty/,
    ],
    ['an Ingress without TLS', { set: { 'ingress.enabled': 'true' } }, /ingress\.tls is empty/],
    [
      'a writable root filesystem',
      { set: { 'containerSecurityContext.readOnlyRootFilesystem': 'false' } },
      /readOnlyRootFilesystem/,
    ],
    ['a privileged container', { set: { 'containerSecurityContext.privileged': 'true' } }, /privileged/],
    ['running as root', { set: { 'podSecurityContext.runAsNonRoot': 'false' } }, /runAsNonRoot/],
    ['an unknown value', { set: { replicas: '3' } }, /additional properties 'replicas' not allowed|replicas/],
    ['a malformed image digest', { set: { 'image.digest': 'latest' } }, /digest/],
    ['a vLLM without model weights', { set: { 'vllm.deploy.enabled': 'true' } }, /vllm\.deploy needs/],
  ];
  for (const [what, options, message] of refusals) {
    test(`${what}`, async () => {
      const r = await render({ scenario: 'default', ...options });
      assert.notEqual(r.code, 0, `${what} rendered`);
      assert.match(r.stderr, message);
    });
  }

  test('the bare default values ask for the database Secret', async () => {
    const r = await render();
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /secrets\.files\[0\] \(database-url\): set secrets\.existingSecret/);
  });
});
