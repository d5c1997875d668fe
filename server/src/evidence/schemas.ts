/** JSON Schemas of the evidence routes' queries, parameters and bodies (compiled once by `validate`). */
import { type Static, Type } from '@sinclair/typebox';
import { AUDIT_OUTCOMES } from '../audit/catalogue.js';
import { RECEIPT_OPS, RECEIPT_STATUSES } from './core/index.js';
import { LOG_NAMES } from './logs.js';

const Enum = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

const Count = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER });
const Time = Type.String({ minLength: 1, maxLength: 40, description: 'Unix ms or RFC 3339 date-time' });
const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
const Cursor = Type.String({ minLength: 1, maxLength: 100 });

export const LogParams = Type.Object({ log: Enum(LOG_NAMES) }, { additionalProperties: false });

export const ProofQuery = Type.Object(
  { log: Enum(LOG_NAMES), index: Count(0), size: Type.Optional(Count(1)) },
  { additionalProperties: false },
);
export type ProofQuery = Static<typeof ProofQuery>;

export const ConsistencyQuery = Type.Object(
  { log: Enum(LOG_NAMES), old: Count(0), size: Type.Optional(Count(0)) },
  { additionalProperties: false },
);
export type ConsistencyQuery = Static<typeof ConsistencyQuery>;

export const VerifyBody = Type.Object({ receipt: Type.Unknown() }, { additionalProperties: false });

export const ReceiptIdParams = Type.Object(
  { id: Type.String({ pattern: '^p?(0|[1-9][0-9]{0,14})$' }) },
  { additionalProperties: false },
);

export const ReceiptSearchQuery = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    user: Type.Optional(Type.String({ format: 'uuid' })),
    team: Type.Optional(Type.String({ format: 'uuid' })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    op: Type.Optional(Enum(RECEIPT_OPS)),
    status: Type.Optional(Enum(RECEIPT_STATUSES)),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);
export type ReceiptSearchQuery = Static<typeof ReceiptSearchQuery>;

export const AuditIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const AuditSearchQuery = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$', maxLength: 64 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    target: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: '`<type>:<id>` or `<id>`' }),
    ),
    outcome: Type.Optional(Enum(AUDIT_OUTCOMES)),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;
