/** JSON Schemas of the assistant's requests (validated by platform/http/validate.ts) and model answers. */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_PATH_LENGTH } from './files/paths.js';

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const Uuid = Type.String({ format: 'uuid' });
const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
const Cursor = Type.String({ minLength: 1, maxLength: 200 });
const Model = Type.String({ minLength: 1, maxLength: 256, description: 'Model name or alias.' });
/** A short, one-line value chosen by the user (framework, language). */
const Label = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\r\\n]+$' });

export const TASK_STATUSES = ['open', 'in_progress', 'done'] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const CATEGORIES = [
  'security',
  'correctness',
  'performance',
  'maintainability',
  'style',
  'testing',
  'documentation',
  'other',
] as const;
export const OPS = ['generate', 'analyze', 'chat'] as const;

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const TaskParams = Type.Object({ id: Uuid, taskId: Uuid }, { additionalProperties: false });

export const PageQuery = Type.Object(
  { cursor: Type.Optional(Cursor), limit: Limit },
  { additionalProperties: false },
);

export const ProjectsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);

const ProjectName = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 20000 });

export const CreateProjectBody = Type.Object(
  {
    name: ProjectName,
    description: Type.Optional(Description),
    team_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false },
);
export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(ProjectName),
    description: Type.Optional(Description),
    team_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TasksQuery = Type.Object(
  { status: Type.Optional(Enum(TASK_STATUSES)), cursor: Type.Optional(Cursor), limit: Limit },
  { additionalProperties: false },
);
export const CreateTaskBody = Type.Object(
  { title: ProjectName, description: Type.Optional(Description), status: Type.Optional(Enum(TASK_STATUSES)) },
  { additionalProperties: false },
);
export const UpdateTaskBody = Type.Object(
  {
    title: Type.Optional(ProjectName),
    description: Type.Optional(Description),
    status: Type.Optional(Enum(TASK_STATUSES)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ConversationsQuery = Type.Object(
  {
    project_id: Type.Optional(Uuid),
    task_id: Type.Optional(Uuid),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);
const Title = Type.String({ minLength: 1, maxLength: 200 });
export const CreateConversationBody = Type.Object(
  { project_id: Type.Optional(Uuid), task_id: Type.Optional(Uuid), title: Type.Optional(Title) },
  { additionalProperties: false },
);
export const UpdateConversationBody = Type.Object(
  { title: Type.Union([Title, Type.Null()]) },
  { additionalProperties: false },
);

export const OperationsQuery = Type.Object(
  {
    project_id: Type.Optional(Uuid),
    task_id: Type.Optional(Uuid),
    op: Type.Optional(Enum(OPS)),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);

/** Where an operation belongs and how it runs; shared by generate, analyze and chat. */
const Placement = {
  project_id: Type.Optional(Uuid),
  task_id: Type.Optional(Uuid),
  model: Type.Optional(Model),
  stream: Type.Optional(
    Type.Boolean({ description: 'Answer with server-sent events (progress, then the result).' }),
  ),
};

const Path = Type.String({ minLength: 1, maxLength: MAX_PATH_LENGTH });
const FileContent = Type.String({ maxLength: 4 * 1024 * 1024 });
const InputFile = Type.Object({ path: Path, content: FileContent }, { additionalProperties: false });

export const GenerateBody = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 20000, description: 'What to build.' }),
    framework: Type.Optional(Label),
    language: Type.Optional(Label),
    files: Type.Optional(Type.Array(InputFile, { maxItems: 1000 })),
    ...Placement,
  },
  { additionalProperties: false },
);
export type GenerateBody = Static<typeof GenerateBody>;

export const AnalyzeBody = Type.Object(
  {
    files: Type.Array(InputFile, { minItems: 1, maxItems: 10000 }),
    focus: Type.Optional(Type.Array(Enum(CATEGORIES), { minItems: 1, uniqueItems: true })),
    ...Placement,
  },
  { additionalProperties: false },
);
export type AnalyzeBody = Static<typeof AnalyzeBody>;

/** `POST /api/v1/analyze` with a `.tar.gz` body: the placement comes in the query string. */
export const AnalyzeQuery = Type.Object(
  {
    project_id: Type.Optional(Uuid),
    task_id: Type.Optional(Uuid),
    model: Type.Optional(Model),
    stream: Type.Optional(Type.Boolean()),
    focus: Type.Optional(
      Type.String({ pattern: `^(${CATEGORIES.join('|')})(,(${CATEGORIES.join('|')}))*$` }),
    ),
  },
  { additionalProperties: false },
);
export type AnalyzeQuery = Static<typeof AnalyzeQuery>;

export const ChatBody = Type.Object(
  {
    conversation_id: Type.Optional(Uuid),
    title: Type.Optional(Title),
    messages: Type.Array(
      Type.Object(
        { role: Enum(['user', 'assistant'] as const), content: Type.String({ minLength: 1 }) },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    ...Placement,
  },
  { additionalProperties: false },
);
export type ChatBody = Static<typeof ChatBody>;

/** The JSON object a generate answer must be (sent to the model as `response_format`). */
export const GenerateAnswer = Type.Object(
  {
    summary: Type.String({ maxLength: 4000 }),
    files: Type.Array(
      Type.Object(
        { path: Type.String(), language: Type.String(), content: Type.String() },
        { additionalProperties: false },
      ),
    ),
    notes: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type GenerateAnswer = Static<typeof GenerateAnswer>;

/** The JSON object an analyze answer must be (sent to the model as `response_format`). */
export const AnalyzeAnswer = Type.Object(
  {
    summary: Type.String({ maxLength: 4000 }),
    findings: Type.Array(
      Type.Object(
        {
          file: Type.String(),
          line: Type.Integer({ minimum: 1 }),
          severity: Enum(SEVERITIES),
          category: Enum(CATEGORIES),
          message: Type.String({ maxLength: 2000 }),
          suggestion: Type.String({ maxLength: 4000 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AnalyzeAnswer = Static<typeof AnalyzeAnswer>;
