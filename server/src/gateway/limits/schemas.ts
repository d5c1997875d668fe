import { Type } from '@sinclair/typebox';
import { SUBJECT_TYPES } from './plan-repository.js';

const Limit = (description: string) =>
  Type.Optional(
    Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: `${description} null: unlimited.`,
    }),
  );

const limitFields = {
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  requests_per_minute: Limit('Requests per minute.'),
  tokens_per_minute: Limit('Tokens per minute.'),
  tokens_per_day: Limit('Tokens per UTC day.'),
  tokens_per_month: Limit('Tokens per UTC calendar month.'),
  max_concurrent_streams: Limit('Streaming requests in flight at once.'),
  allowed_models: Type.Optional(
    Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 500 }), Type.Null()], {
      description: 'Model names or aliases the plan allows. null: every model.',
    }),
  ),
};

const PlanName = Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' });

/** `POST /plans`. */
export const CreatePlanBody = Type.Object(
  { name: PlanName, ...limitFields },
  { additionalProperties: false },
);

/** `PATCH /plans/:id`: fields present are changed. */
export const UpdatePlanBody = Type.Object(
  { name: Type.Optional(PlanName), ...limitFields },
  { additionalProperties: false, minProperties: 1 },
);

export const PlanParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const SubjectType = Type.Unsafe<(typeof SUBJECT_TYPES)[number]>({ type: 'string', enum: [...SUBJECT_TYPES] });

export const AssignmentParams = Type.Object(
  { subject_type: SubjectType, subject_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** `PUT /assignments/:subject_type/:subject_id`. */
export const AssignBody = Type.Object(
  { plan_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const AssignmentQuery = Type.Object(
  {
    subject_type: Type.Optional(SubjectType),
    subject_id: Type.Optional(Type.String({ format: 'uuid' })),
    plan_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
