/** Request schemas of the compliance export API (validated by ajv through `validate()`). */
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../config/schema.js';
import { RECEIPT_OPS } from '../../evidence/core/index.js';
import { INCLUDE_PARTS } from '../bundle/format.js';

const Uuid = Type.String({ format: 'uuid' });
const List = <T extends ReturnType<typeof Type.String>>(item: T, description: string) =>
  Type.Optional(Type.Array(item, { maxItems: 1000, uniqueItems: true, description }));
const TreeSize = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Note = Type.String({ minLength: 1, maxLength: 16384 });

export const CreateExportBody = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Start of the period (RFC 3339), inclusive.' }),
    to: Type.String({ format: 'date-time', description: 'End of the period (RFC 3339), exclusive.' }),
    teams: List(Uuid, 'Team ids; receipts of these teams only.'),
    users: List(Uuid, 'User ids; receipts of these users only.'),
    models: List(Type.String({ minLength: 1, maxLength: 256 }), 'Model names.'),
    ops: List(StringEnum(RECEIPT_OPS) as unknown as ReturnType<typeof Type.String>, 'Operations.'),
    include: Type.Optional(
      Type.Array(StringEnum(INCLUDE_PARTS), {
        minItems: 1,
        uniqueItems: true,
        default: ['receipts', 'audit'],
      }),
    ),
    since_size: Type.Optional(
      Type.Union([
        TreeSize,
        Type.Object(
          { receipts: Type.Optional(TreeSize), audit: Type.Optional(TreeSize) },
          { additionalProperties: false, minProperties: 1 },
        ),
      ]),
    ),
    since_checkpoint: Type.Optional(Type.Union([Note, Type.Array(Note, { minItems: 1, maxItems: 2 })])),
  },
  { additionalProperties: false },
);

export const ExportIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ListExportsQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AuditExportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(
      Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'Audit log index to start at.' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 10000, default: 1000 }),
  },
  { additionalProperties: false },
);
