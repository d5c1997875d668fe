import { Type } from '@sinclair/typebox';
import { API_KEY_SCOPE_NAMES, ROLES } from './rbac.js';

/** Request schemas of the identity routes (validated by platform/http/validate.ts). */

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const Uuid = Type.String({ format: 'uuid' });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const ConnectionParams = Type.Object({ connection: Type.String({ maxLength: 64 }) });
export const TeamMemberParams = Type.Object({ id: Uuid, userId: Uuid }, { additionalProperties: false });

export const LoginQuery = Type.Object(
  {
    connection: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    return_to: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    scopes: Type.Array(Enum(API_KEY_SCOPE_NAMES), {
      minItems: 1,
      maxItems: API_KEY_SCOPE_NAMES.length,
      uniqueItems: true,
    }),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const KeysQuery = Type.Object(
  {
    user_id: Type.Optional(Uuid),
    status: Enum(['active', 'expired', 'revoked', 'all'], { default: 'active' }),
    ...Paging,
  },
  { additionalProperties: false },
);

export const OwnKeysQuery = Type.Object(
  { status: Enum(['active', 'expired', 'revoked', 'all'], { default: 'all' }), ...Paging },
  { additionalProperties: false },
);

export const UsersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    status: Type.Optional(Enum(['active', 'disabled'])),
    ...Paging,
  },
  { additionalProperties: false },
);

export const SubjectsQuery = Type.Object(
  {
    scope: Enum(['user', 'team']),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);

export const SetRolesBody = Type.Object(
  {
    roles: Type.Array(
      Type.Object({ role: Enum(ROLES), team_id: Type.Optional(Uuid) }, { additionalProperties: false }),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export const CreateTeamBody = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.String({ maxLength: 2000, default: '' }),
  },
  { additionalProperties: false },
);

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SetMemberBody = Type.Object(
  { role: Enum(['member', 'team_admin'], { default: 'member' }) },
  { additionalProperties: false },
);
