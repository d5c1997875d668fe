import { Type } from '@sinclair/typebox';

/** Request schemas of the legal-hold, retention-run and content-key routes. */

const Uuid = Type.String({ format: 'uuid' });
const Scope = Type.Unsafe<'user' | 'team'>({ type: 'string', enum: ['user', 'team'] });

export const HoldParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ListHoldsQuery = Type.Object(
  { active: Type.Boolean({ default: true, description: 'Only holds not yet released.' }) },
  { additionalProperties: false },
);

export const PlaceHoldBody = Type.Object(
  {
    scope: Scope,
    id: Uuid,
    reason: Type.String({ minLength: 3, maxLength: 1024 }),
    reference: Type.String({ maxLength: 256, default: '', description: 'Case or matter number.' }),
  },
  { additionalProperties: false },
);

export const DestroyKeyBody = Type.Object(
  {
    scope: Scope,
    id: Uuid,
    reason: Type.String({ minLength: 3, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const ListRunsQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);
