import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig, redactConfig } from '../config/index.js';
import { DEFAULT_JWT_PATH, parseSecretsConfig, SecretsConfigError } from './config-schema.js';
import { parseReference } from './kv-secrets.js';
import { findVaultReferences } from './vault-resolver.js';

const problemsOf = (raw: Record<string, unknown>): string[] => {
  try {
    parseSecretsConfig(raw);
  } catch (err) {
    assert.ok(err instanceof SecretsConfigError);
    return err.problems.map((p) => `${p.path}: ${p.message}`).sort();
  }
  assert.fail('expected a SecretsConfigError');
};

describe('secrets configuration', () => {
  test('no secrets section: no Vault', () => {
    assert.deepEqual(parseSecretsConfig({}), {});
  });

  test('defaults apply without changing the raw configuration', () => {
    const raw = {
      secrets: {
        vault: { address: 'https://vault:8200', auth: { role: 'ai-la' } },
        database: { role: 'ai-la' },
      },
    };
    const before = structuredClone(raw);
    const parsed = parseSecretsConfig(raw);
    assert.deepEqual(raw, before);
    assert.deepEqual(parsed.vault, {
      address: 'https://vault:8200',
      auth: { method: 'kubernetes', role: 'ai-la', jwtPath: DEFAULT_JWT_PATH },
      refreshIntervalMs: 60000,
      timeoutMs: 5000,
      bootTimeoutMs: 60000,
    });
    assert.deepEqual(parsed.database, { mount: 'database', role: 'ai-la', drainTimeoutMs: 60000 });
  });

  test('every problem is listed with its key', () => {
    assert.deepEqual(
      problemsOf({ secrets: { vault: { address: 'vault:8200', colour: 'blue', auth: { method: 'ldap' } } } }),
      [
        'secrets.vault.address: must match pattern "^https?://"',
        'secrets.vault.auth.method: must be one of token, approle, kubernetes',
        'secrets.vault.colour: unknown key',
      ],
    );
    assert.deepEqual(
      problemsOf({ secrets: { vault: { address: 'http://v', auth: { method: 'approle' } } } }),
      [
        'secrets.vault.auth.roleId: required when method is approle',
        'secrets.vault.auth.secretId: required when method is approle',
      ],
    );
    assert.deepEqual(problemsOf({ secrets: { vault: { address: 'http://v' } } }), [
      'secrets.vault.auth.role: required when method is kubernetes',
    ]);
    assert.deepEqual(problemsOf({ secrets: { database: { role: 'ai-la' } } }), [
      'secrets.vault: required when secrets.database is set',
    ]);
    for (const source of ['transit', 'kv']) {
      assert.deepEqual(problemsOf({ evidence: { keys: { source } } }), [
        `secrets.vault: required when evidence.keys.source is ${source}`,
      ]);
    }
  });

  test('the section is part of the whole configuration, its secrets redacted', async () => {
    const config = await loadConfig({
      env: {
        AILA_SECRETS_VAULT_ADDRESS: 'https://vault.example:8200',
        AILA_SECRETS_VAULT_AUTH_METHOD: 'approle',
        AILA_SECRETS_VAULT_AUTH_ROLE_ID: 'role',
        AILA_SECRETS_VAULT_AUTH_SECRET_ID: 's3cret',
        AILA_EVIDENCE_KEYS_SOURCE: 'transit',
        AILA_EVIDENCE_KEYS_TRANSIT_LOG_KEY: 'ai-la-checkpoints',
      },
    });
    assert.equal(config.secrets.vault?.auth.secretId, 's3cret');
    assert.deepEqual(config.evidence.keys.transit, {
      mount: 'transit',
      receiptKey: 'ai-la-receipts',
      logKey: 'ai-la-checkpoints',
      batchWindowMs: 2,
      maxBatchSize: 250,
    });
    const printed = redactConfig(config) as { secrets: { vault: { auth: Record<string, unknown> } } };
    assert.equal(printed.secrets.vault.auth.secretId, '[redacted]');
    assert.equal(printed.secrets.vault.auth.roleId, 'role');
  });
});

describe('evidence key sources in the configuration', () => {
  const problems = async (env: Record<string, string>) => {
    try {
      await loadConfig({ env });
    } catch (err) {
      return (err as { problems: Array<{ path: string; message: string }> }).problems.map(
        (p) => `${p.path}: ${p.message}`,
      );
    }
    return [];
  };

  test('each source names what it needs, key by key', async () => {
    assert.deepEqual(await problems({ AILA_EVIDENCE_KEYS_SOURCE: 'file' }), [
      'evidence.keys.receiptKeyFile: required when source is file',
      'evidence.keys.logKeyFile: required when source is file',
    ]);
    assert.deepEqual(
      await problems({ AILA_EVIDENCE_KEYS_SOURCE: 'kv', AILA_EVIDENCE_KEYS_KV_RECEIPT_KEY: 'x'.repeat(64) }),
      ['evidence.keys.kv.logKey: required when source is kv'],
    );
    assert.deepEqual(
      await problems({ AILA_EVIDENCE_KEYS_SOURCE: 'transit', AILA_EVIDENCE_KEYS_TRANSIT_RECEIPT_KEY: 'a/b' }),
      ['evidence.keys.transit.receiptKey: must match pattern "^[A-Za-z0-9_.-]+$"'],
    );
    assert.deepEqual(await problems({ AILA_EVIDENCE_KEYS_SOURCE: 'hsm' }), [
      'evidence.keys.source: must be one of generated, file, kv, transit',
    ]);
  });

  test('KV key values are secrets: redacted when the configuration is printed', async () => {
    const config = await loadConfig({
      env: {
        AILA_EVIDENCE_KEYS_SOURCE: 'kv',
        AILA_EVIDENCE_KEYS_KV_RECEIPT_KEY: 'a'.repeat(64),
        AILA_EVIDENCE_KEYS_KV_LOG_KEY: 'b'.repeat(64),
      },
    });
    const printed = redactConfig(config) as { evidence: { keys: { kv: Record<string, unknown> } } };
    assert.deepEqual(printed.evidence.keys.kv, { receiptKey: '[redacted]', logKey: '[redacted]' });
  });
});

describe('vault: references', () => {
  test('parse mount, path, key and an optional version', () => {
    assert.deepEqual(parseReference('vault:secret/ai-la/oidc#client-secret'), {
      mount: 'secret',
      path: 'ai-la/oidc',
      key: 'client-secret',
    });
    assert.deepEqual(parseReference('vault:kv/a/b/c#api_key@12'), {
      mount: 'kv',
      path: 'a/b/c',
      key: 'api_key',
      version: 12,
    });
    for (const bad of [
      'vault:secret#key',
      'vault:secret/#key',
      'vault:secret/path',
      'vault:secret/p#',
      'vault:secret/p#a#b',
      'secret/p#k',
    ]) {
      assert.throws(() => parseReference(bad), /expected vault:<mount>\/<path>#<key>\[@version\]/, bad);
    }
  });

  test('are found anywhere in a raw configuration, by key path', () => {
    const raw = {
      database: { url: 'vault:secret/ai-la/database#url' },
      auth: {
        oidc: { connections: [{ name: 'corp', clientSecret: 'vault:secret/ai-la/oidc#client-secret' }] },
      },
      server: { port: 8080, publicUrl: 'https://vault.example.com' },
    };
    assert.deepEqual(
      [...findVaultReferences(raw)],
      [
        ['database.url', 'vault:secret/ai-la/database#url'],
        ['auth.oidc.connections.0.clientSecret', 'vault:secret/ai-la/oidc#client-secret'],
      ],
    );
  });
});
