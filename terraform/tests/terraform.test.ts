/**
 * Static checks of the Terraform module (HCL parses, every variable and output typed and
 * described, terraform-aws-modules conventions), `terraform fmt -check` when terraform is
 * installed, and, also only with terraform, the values this module hands to the chart rendered
 * by the real chart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { validateManifest } from '../../helm/tests/manifests.js';
import { find, renderOk } from '../../helm/tests/render.js';

const execFileAsync = promisify(execFile);
const TF_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry.startsWith('.') || entry === 'tests' ? [] : tfFiles(path);
    return entry.endsWith('.tf') ? [path] : [];
  });
}

/** A Terraform binary: /usr/local/bin/terraform or one on PATH, if any. */
function terraformBinary(): string | undefined {
  const candidates = [
    '/usr/local/bin/terraform',
    ...(process.env.PATH ?? '').split(':').map((p) => join(p, 'terraform')),
  ];
  return candidates.find((p) => existsSync(p));
}

type Block = Record<string, Array<Record<string, unknown>>>;
interface HclFile {
  variable?: Block;
  output?: Block;
  resource?: Record<string, Block>;
  module?: Block;
  terraform?: Array<{
    required_version?: string;
    required_providers?: Array<Record<string, { version?: string }>>;
  }>;
}

const files = tfFiles(TF_DIR);
const parsed = new Map<string, Promise<HclFile>>();
const hcl = (path: string) => {
  let p = parsed.get(path);
  if (!p) {
    p = parseHcl(relative(TF_DIR, path), readFileSync(path, 'utf8')) as Promise<HclFile>;
    parsed.set(path, p);
  }
  return p;
};
const moduleDirs = [...new Set(files.map((f) => dirname(f)))];

describe('HCL', () => {
  test('the module, its submodule and both examples are present', () => {
    const dirs = moduleDirs.map((d) => relative(TF_DIR, d) || '.').sort();
    assert.deepEqual(dirs, ['.', 'examples/complete', 'examples/minimal', 'modules/vault-kubernetes-auth']);
    for (const d of moduleDirs) assert.ok(existsSync(join(d, 'README.md')), `${d} has a README`);
    for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'])
      assert.ok(existsSync(join(TF_DIR, f)), f);
  });

  for (const file of files) {
    test(`${relative(TF_DIR, file)} parses`, async () => {
      await assert.doesNotReject(hcl(file));
    });
  }

  test('every variable is typed (never any) and described; every output is described', async () => {
    for (const file of files) {
      const json = await hcl(file);
      for (const [name, [v]] of Object.entries(json.variable ?? {})) {
        const where = `${relative(TF_DIR, file)}: variable ${name}`;
        assert.equal(typeof v?.type, 'string', `${where} has a type`);
        assert.doesNotMatch(String(v?.type), /\bany\b/, `${where} is not typed any`);
        assert.ok(
          typeof v?.description === 'string' && v.description.length > 10,
          `${where} has a description`,
        );
      }
      for (const [name, [o]] of Object.entries(json.output ?? {})) {
        assert.ok(typeof o?.description === 'string' && o.description.length > 5, `${file}: output ${name}`);
      }
    }
  });

  test('secrets are sensitive; enumerations and formats are validated', async () => {
    const vars = (await hcl(join(TF_DIR, 'variables.tf'))).variable ?? {};
    for (const name of ['database_url', 'kubernetes_secret_data'])
      assert.equal(vars[name]?.[0]?.sensitive, true, name);
    for (const name of [
      'namespace',
      'pod_security_level',
      'release_name',
      'chart',
      'image',
      'network_policy',
      'secret_files',
    ]) {
      assert.ok(Array.isArray(vars[name]?.[0]?.validation), `${name} is validated`);
    }
  });

  test('resources are named this; providers and Terraform are version-constrained', async () => {
    for (const dir of [TF_DIR, join(TF_DIR, 'modules', 'vault-kubernetes-auth')]) {
      for (const file of tfFiles(dir).filter((f) => dirname(f) === dir)) {
        for (const [type, byName] of Object.entries((await hcl(file)).resource ?? {})) {
          assert.deepEqual(Object.keys(byName), ['this'], `${type} in ${relative(TF_DIR, file)}`);
        }
      }
      const [block] = (await hcl(join(dir, 'versions.tf'))).terraform ?? [];
      assert.match(block?.required_version ?? '', />=\s*1\.5/);
      for (const [name, spec] of Object.entries(block?.required_providers?.[0] ?? {})) {
        assert.match(spec.version ?? '', /</, `${name} has an upper bound`);
      }
    }
  });

  test('examples use the local module', async () => {
    for (const example of ['minimal', 'complete']) {
      const modules = (await hcl(join(TF_DIR, 'examples', example, 'main.tf'))).module ?? {};
      assert.equal(modules.ai_la?.[0]?.source, '../..', example);
    }
  });
});

const terraform = terraformBinary();

describe('terraform', { skip: terraform ? false : 'terraform is not installed' }, () => {
  const env = {
    ...process.env,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: '/dev/null',
  };

  test('fmt -check -recursive', async () => {
    const { stdout } = await execFileAsync(
      terraform as string,
      ['fmt', '-check', '-recursive', '-no-color', TF_DIR],
      { env },
    ).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`terraform fmt -check found unformatted files:\n${e.stdout}${e.stderr}`);
    });
    assert.equal(stdout, '');
  });

  /** Evaluates locals.tf with the given inputs and returns the Helm values documents. */
  async function moduleValues(
    inputs: Record<string, unknown>,
  ): Promise<{ documents: string[]; dir: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'ai-la-tf-'));
    for (const f of ['variables.tf', 'locals.tf']) await copyFile(join(TF_DIR, f), join(dir, f));
    await writeFile(join(dir, 'outputs.tf'), 'output "values" {\n  value = local.values_documents\n}\n');
    await writeFile(join(dir, 'inputs.auto.tfvars.json'), JSON.stringify(inputs));
    const run = (args: string[]) =>
      execFileAsync(terraform as string, [...args, '-no-color'], { cwd: dir, env });
    await run(['init', '-backend=false', '-input=false']);
    await run(['apply', '-auto-approve', '-input=false']);
    const { stdout } = await run(['output', '-json', 'values']);
    return { documents: JSON.parse(stdout) as string[], dir };
  }

  const scenarios: Record<string, Record<string, unknown>> = {
    minimal: {
      create_namespace: false,
      database: { existing_secret: { name: 'ai-la-database' } },
      network_policy: { postgresql_cidrs: ['10.20.0.0/24'] },
      evidence_signing_keys: { existing_secret: 'ai-la-signing-keys' },
    },
    complete: {
      image_registry: 'registry.example.internal',
      image: { repository: 'ai-la/appliance', tag: '0.1.0' },
      database: { cloudnative_pg: { enabled: true, storage_class: 'fast-ssd' } },
      vault_agent: { enabled: true, ca_cert_secret: 'vault-ca' },
      secret_files: [
        {
          env: 'AILA_AUTH_OIDC_CLIENT_SECRET',
          key: 'oidc-client-secret',
          vault: { path: 'secret/data/ai-la/oidc', field: 'connections' },
        },
      ],
      config:
        'server:\n  trustProxy: 1\nsecrets:\n  vault:\n    address: https://vault.vault.svc:8200\n    auth:\n      method: kubernetes\n      role: ai-la\n',
      evidence_signing_keys: { transit: { enabled: true } },
      ingress: {
        enabled: true,
        class_name: 'nginx',
        host: 'ai-la.example.com',
        tls_secret_name: 'ai-la-tls',
      },
      autoscaling: { enabled: true, min_replicas: 3, max_replicas: 6 },
      network_policy: { vault_namespace: 'vault', idp_cidrs: ['10.30.1.0/28'] },
      vllm_services: [{ name: 'vllm', namespace: 'gpu', pod_labels: { app: 'vllm' } }],
      monitoring: {
        service_monitor: true,
        prometheus_rule: true,
        grafana_dashboard: true,
        labels: { release: 'prom' },
      },
    },
  };

  for (const [name, inputs] of Object.entries(scenarios)) {
    test(`${name}: the module's values render a valid chart`, async () => {
      const { documents, dir } = await moduleValues(inputs);
      try {
        const valuesFiles = await Promise.all(
          documents.map(async (doc, i) => {
            const file = join(dir, `values-${i}.yaml`);
            await writeFile(file, doc);
            return file;
          }),
        );
        const manifests = await renderOk({ valuesFiles });
        assert.deepEqual(manifests.flatMap(validateManifest), []);
        const deployment = find(manifests, 'Deployment', 'ai-la');
        assert.equal(deployment.metadata.namespace, 'ai-la');
        if (name === 'complete') {
          const spec = JSON.stringify(deployment);
          assert.match(spec, /registry\.example\.internal\/ai-la\/appliance:0\.1\.0/);
          assert.match(spec, /"AILA_DATABASE_URL_FILE","value":"\/var\/run\/secrets\/ai-la\/uri"/);
          assert.match(spec, /"name":"ai-la-db-app"/, 'URI from the CloudNativePG app Secret');
          const policy = JSON.stringify(find(manifests, 'NetworkPolicy', 'ai-la'));
          assert.match(policy, /"cnpg.io\/cluster":"ai-la-db"/);
          assert.ok(manifests.some((m) => m.kind === 'PrometheusRule'));
          assert.match(spec, /"AILA_EVIDENCE_KEYS_SOURCE","value":"transit"/);
          assert.match(spec, /"AILA_EVIDENCE_KEYS_TRANSIT_LOG_KEY","value":"ai-la-log"/);
        } else {
          const spec = JSON.stringify(deployment);
          assert.match(spec, /"AILA_EVIDENCE_KEYS_SOURCE","value":"file"/);
          assert.match(spec, /"secretName":"ai-la-signing-keys"/);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
