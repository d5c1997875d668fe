import { type Static, type TSchema, Type } from '@sinclair/typebox';

/*
 * The `evidence` section of the configuration, imported by config/schema.ts. The small helpers mirror
 * that file's (which cannot be imported from here without an import cycle). The key files are paths,
 * not secrets: mount them from a Kubernetes Secret or render them with the Vault Agent.
 */

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

/** c2sp.org/signed-note key names (= log origins) contain no spaces and no `+`. */
const ORIGIN = '^[^\\s+]+$';

const Origin = (log: string) =>
  Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: ORIGIN,
      description: `Origin line of the ${log} log (checkpoint origin and signed-note key name). Unset: \`<host of server.publicUrl>/ai-la/${log}\`. Never change it once the log has entries.`,
    }),
  );

/** A value the configuration printer redacts and that may come from a `*_FILE` or a `vault:` reference. */
const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

/** A Vault mount path (no leading or trailing slash). */
const MOUNT = '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';

/** A Transit key name (https://developer.hashicorp.com/vault/api-docs/secret/transit#create-key). */
const TRANSIT_KEY = '^[A-Za-z0-9_.-]+$';

export const EvidenceTransitConfig = section(
  {
    mount: Type.String({ pattern: MOUNT, default: 'transit', description: 'Transit secrets engine mount.' }),
    receiptKey: Type.String({
      pattern: TRANSIT_KEY,
      default: 'ai-la-receipts',
      description: 'Transit `ed25519` key that signs receipts; each of its versions is one JWKS `kid`.',
    }),
    logKey: Type.String({
      pattern: TRANSIT_KEY,
      default: 'ai-la-log',
      description:
        'Transit `ed25519` key that signs the checkpoints of both logs (the c2sp.org/signed-note key; its name in the note is the log origin).',
    }),
    batchWindowMs: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 2,
      description: 'Signatures requested within this window go to Vault as one `batch_input` request.',
    }),
    maxBatchSize: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 250,
      description: 'Most signatures in one Transit request.',
    }),
  },
  'Signing with Vault Transit (source `transit`); the private keys never leave Vault. Needs `secrets.vault`.',
);

export const EvidenceKvKeysConfig = section(
  {
    receiptKey: Type.Optional(
      secret(
        Type.String({
          minLength: 1,
          description:
            'Receipt signing key (source `kv`), normally `vault:<mount>/<path>#<key>` naming a KV v2 value: PKCS#8 PEM, 64 hex digits or base64 of the 32-byte seed.',
        }),
      ),
    ),
    logKey: Type.Optional(
      secret(
        Type.String({
          minLength: 1,
          description:
            'Log (checkpoint) signing key (source `kv`), normally a `vault:` reference: PKCS#8 PEM, hex, base64 or a note signer key `PRIVATE+KEY+...`.',
        }),
      ),
    ),
  },
  'Keys held in Vault KV v2 (source `kv`): read at start-up and re-read every `keys.refreshMs`, so a new secret version is a key rotation. Needs `secrets.vault`.',
);

export const EvidenceKeysConfig = Type.Object(
  {
    source: Enum(['generated', 'file', 'kv', 'transit'], {
      default: 'generated',
      description:
        'Where the Ed25519 signing keys come from. `generated` (development only, refused when NODE_ENV=production): created on first start as PKCS#8 PEM files in `keys.dir`. `file`: `receiptKeyFile` and `logKeyFile`. `kv`: Vault KV v2 values (`keys.kv`). `transit`: Vault Transit `ed25519` keys that never leave Vault (`keys.transit`).',
    }),
    dir: Type.String({
      minLength: 1,
      default: './.aila/keys',
      description: 'Directory of the generated keys (source `generated`); files are created with mode 0600.',
    }),
    receiptKeyFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'File holding the receipt signing key (source `file`): PKCS#8 PEM, a raw 32-byte seed, or the seed as 64 hex digits or base64.',
      }),
    ),
    logKeyFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'File holding the log (checkpoint) signing key (source `file`): PKCS#8 PEM, a raw 32-byte seed, 64 hex digits, base64, or a Go note signer key `PRIVATE+KEY+...`.',
      }),
    ),
    kv: EvidenceKvKeysConfig,
    transit: EvidenceTransitConfig,
    retireGraceMs: Type.Integer({
      minimum: 0,
      default: 3600000,
      description:
        'When a key is rotated, the old key stays valid for signing this long (its JWKS `exp`), so replicas that have not reloaded yet still produce valid receipts.',
    }),
    refreshMs: Type.Integer({
      minimum: 1000,
      default: 30000,
      description: 'How often each replica re-reads its key source to pick up a rotated key.',
    }),
    rotateAfterDays: Type.Integer({
      minimum: 1,
      default: 365,
      description:
        'Planned lifetime of a key: `aila_signing_key_expiry_timestamp_seconds` reports `nbf + rotateAfterDays` for keys not yet retired, for alerting.',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'Ed25519 signing keys of receipts and log checkpoints (EVIDENCE.md §5).',
    // What each source needs, checked with the rest of the configuration (clear errors at boot).
    allOf: [
      {
        if: { properties: { source: { const: 'file' } }, required: ['source'] },
        // biome-ignore lint/suspicious/noThenProperty: a JSON Schema conditional (draft-07 §6.6)
        then: {
          properties: { receiptKeyFile: { type: 'string' }, logKeyFile: { type: 'string' } },
          required: ['receiptKeyFile', 'logKeyFile'],
          description: 'required when source is file',
        },
      },
      {
        if: { properties: { source: { const: 'kv' } }, required: ['source'] },
        // biome-ignore lint/suspicious/noThenProperty: a JSON Schema conditional (draft-07 §6.6)
        then: {
          properties: {
            kv: {
              type: 'object',
              properties: { receiptKey: { type: 'string' }, logKey: { type: 'string' } },
              required: ['receiptKey', 'logKey'],
              description: 'required when source is kv',
            },
          },
        },
      },
    ],
  },
);

export const EvidenceConfig = section(
  {
    origins: section(
      { receipts: Origin('receipts'), audit: Origin('audit') },
      'Log origins (EVIDENCE.md §2).',
    ),
    checkpointIntervalMs: Type.Integer({
      minimum: 50,
      maximum: 10000,
      default: 500,
      description:
        'Every new entry is in a signed checkpoint within about this long: the elected sequencer looks for new entries twice per interval and signs a checkpoint whenever there are any.',
    }),
    sequencerBatchSize: Type.Integer({
      minimum: 1,
      maximum: 65536,
      default: 8192,
      description: 'Most entries integrated in one sequencer transaction (one checkpoint).',
    }),
    sequencerEnabled: Type.Boolean({
      default: true,
      description:
        'Take part in the sequencer election (exactly one replica integrates at a time, elected through PostgreSQL).',
    }),
    appendBatchSize: Type.Integer({
      minimum: 1,
      maximum: 10000,
      default: 1000,
      description: 'Most receipts written in one group commit.',
    }),
    appendConcurrency: Type.Integer({
      minimum: 1,
      maximum: 32,
      default: 4,
      description: 'Group commits in flight at once per replica.',
    }),
    appendMaxQueue: Type.Integer({
      minimum: 100,
      default: 100000,
      description:
        'Receipts waiting for a group commit beyond which new operations fail with EVIDENCE_UNAVAILABLE.',
    }),
    proofCacheTiles: Type.Integer({
      minimum: 0,
      default: 4096,
      description:
        'Merkle tiles (256 hashes each, about 16 KiB expanded) cached in memory for proofs; complete subtrees never change.',
    }),
    codeRef: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '^[a-z]+:[!-~]+$',
        description:
          'Receipt `code_ref` (e.g. `build:sha256:<image digest>`). Unset: `build:sha256:` + SHA-256 of the running code files.',
      }),
    ),
    policies: section(
      {
        noModelTraining: Type.Boolean({
          default: true,
          description:
            'Receipts claim `no_model_training`: prompts and responses are never handed to a training pipeline. Turn off if this deployment feeds one.',
        }),
      },
      'Policy ids claimed in receipts (EVIDENCE.md §1.3).',
    ),
    keys: EvidenceKeysConfig,
    auditSiem: section(
      {
        enabled: Type.Boolean({
          default: false,
          description:
            'Write every committed audit event as one JSON line (its exact leaf bytes) for a SIEM, separate from application logs.',
        }),
        file: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'File the lines are appended to. Unset: standard error.',
          }),
        ),
      },
      'Audit events for a SIEM, written after commit.',
    ),
  },
  'Evidence: TECP receipts, the receipts and audit transparency logs, checkpoints, proofs and signing keys.',
);

/** The validated `evidence` configuration. */
export type EvidenceConfig = Static<typeof EvidenceConfig>;
