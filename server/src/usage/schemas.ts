import { Type } from '@sinclair/typebox';

const Day = (description: string) =>
  Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description }));

const GroupBy = Type.Optional(
  Type.String({
    pattern: '^(day|user|team|model)(,(day|user|team|model))*$',
    description: 'Comma-separated dimensions: day, user, team, model.',
  }),
);

/** `GET /api/v1/user/usage` query. */
export const OwnUsageQuery = Type.Object(
  {
    from: Day('First UTC day (YYYY-MM-DD); default 30 days ago.'),
    to: Day('Last UTC day (YYYY-MM-DD); default today.'),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    group_by: GroupBy,
  },
  { additionalProperties: false },
);

/** Admin usage query. */
export const AdminUsageQuery = Type.Object(
  {
    from: Day('First UTC day (YYYY-MM-DD); default 30 days ago.'),
    to: Day('Last UTC day (YYYY-MM-DD); default today.'),
    user_id: Type.Optional(Type.String({ format: 'uuid' })),
    team_id: Type.Optional(Type.String({ format: 'uuid' })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    group_by: GroupBy,
  },
  { additionalProperties: false },
);
