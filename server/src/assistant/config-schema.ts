import { type Static, Type } from '@sinclair/typebox';

/*
 * The `assistant` configuration: which model the assistant's operations use by default and the size
 * limits of what they take and return. Wired into the whole schema by config/schema.ts.
 */

const Bytes = (def: number, description: string) =>
  Type.Integer({ minimum: 1024, default: def, description });
const Count = (def: number, description: string) => Type.Integer({ minimum: 1, default: def, description });

const KIB = 1024;
const MIB = 1024 * KIB;

export const AssistantConfig = Type.Object(
  {
    defaultModel: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'Model (or alias) used when a request names none. Unset: the first model the caller may use (GET /v1/models order).',
      }),
    ),
    maxOutputTokens: Type.Integer({
      minimum: 256,
      default: 8192,
      description: 'Largest completion an operation asks the model for (max_tokens).',
    }),
    generate: Type.Object(
      {
        maxInputFiles: Count(50, 'Existing files a generate request may send.'),
        maxInputBytes: Bytes(MIB, 'Total size of the existing files of a generate request (UTF-8 bytes).'),
        maxFiles: Count(50, 'Generated files kept from one answer; more are refused as too many.'),
        maxFileBytes: Bytes(256 * KIB, 'Largest generated file kept; a larger one is refused.'),
      },
      { additionalProperties: false, default: {}, description: 'POST /api/v1/generate.' },
    ),
    analyze: Type.Object(
      {
        maxUploadBytes: Bytes(10 * MIB, 'Largest .tar.gz upload (compressed). Larger uploads get 413.'),
        maxUnpackedBytes: Bytes(
          64 * MIB,
          'Largest unpacked size of an upload; decompression stops there (gzip bombs) with 413.',
        ),
        maxEntries: Count(5000, 'Most entries (files, directories) in an upload; more get 413.'),
        maxFiles: Count(500, 'Most files in a JSON analyze request.'),
        maxFileBytes: Bytes(512 * KIB, 'Files larger than this are skipped (reported as too_large).'),
        maxPromptBytes: Bytes(
          48 * KIB,
          'Total file text sent to the model in one analysis (about a quarter of that in tokens: keep it within the model context, minus maxOutputTokens); files past it are skipped (reported as budget).',
        ),
      },
      { additionalProperties: false, default: {}, description: 'POST /api/v1/analyze.' },
    ),
    chat: Type.Object(
      {
        maxMessages: Count(200, 'Most messages in one chat request (the conversation sent so far).'),
        maxMessageChars: Count(100000, 'Longest message of a chat request, in characters.'),
      },
      { additionalProperties: false, default: {}, description: 'POST /api/v1/chat.' },
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'The assistant (generate, analyze, chat; projects and tasks), on top of the gateway: the same models, limits and receipts.',
  },
);

/** The validated `assistant` configuration. */
export type AssistantConfig = Static<typeof AssistantConfig>;
