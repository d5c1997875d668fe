import { Type } from '@sinclair/typebox';

/** Request schemas of the content routes (validated by platform/http/validate.ts). */

const Days = (description: string) => Type.Integer({ minimum: 0, maximum: 36500, description });

export const UpdateSettingsBody = Type.Object(
  {
    retention: Type.Object(
      {
        content: Type.Optional(Type.Unsafe<'none' | 'full'>({ type: 'string', enum: ['none', 'full'] })),
        content_days: Type.Optional(Days('Days retained content is kept; 0 keeps it.')),
        usage_days: Type.Optional(Days('Days per-call usage events are kept; 0 keeps them.')),
        sessions_days: Type.Optional(Days('Days ended sessions are kept; 0 keeps them.')),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

export const ReadContentBody = Type.Object(
  {
    request_id: Type.String({ format: 'uuid' }),
    reason: Type.String({
      minLength: 10,
      maxLength: 1000,
      description: 'Why the content is read (audited).',
    }),
  },
  { additionalProperties: false },
);
