import { type Static, type TSchema, Type } from '@sinclair/typebox';

/*
 * The `content` section of the configuration (retained prompt and response content), imported by
 * config/schema.ts. Whether content is retained at all is an admin setting (`GET/PUT
 * /api/v1/admin/settings`, default `none`); this section only holds the key material.
 */

const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

const Key = Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'Base64 of 32 random bytes.' });

export const ContentConfig = Type.Object(
  {
    keyEncryptionKey: Type.Optional(
      secret(
        Type.String({
          pattern: '^[A-Za-z0-9+/]{43}=$',
          description:
            'Key-encryption key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) that wraps the per-user and per-team content keys. Give it as a `vault:` reference or through `AILA_CONTENT_KEY_ENCRYPTION_KEY_FILE`. Unset in development: generated once and kept in the database; unset in production: content retention cannot be turned on.',
        }),
      ),
    ),
    previousKeyEncryptionKeys: secret(
      Type.Array(Key, {
        default: [],
        maxItems: 8,
        description:
          'Earlier key-encryption keys, still accepted to unwrap content keys after a rotation until `aila content rewrap` has moved every content key to the current one.',
      }),
    ),
    keyCacheTtlMs: Type.Integer({
      minimum: 0,
      maximum: 300000,
      default: 30000,
      description:
        'How long an unwrapped content key stays in memory. A key destroyed on another replica stops decrypting there within this time (at once on the replica that destroyed it).',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'Retained content (when an admin sets retention to full): encryption at rest with per-user and per-team keys, so that destroying a key erases its content (crypto-shredding).',
  },
);

/** The validated `content` configuration. */
export type ContentConfig = Static<typeof ContentConfig>;
