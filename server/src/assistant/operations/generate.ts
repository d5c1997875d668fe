/**
 * `generate`: a task description (with an optional framework, language and existing files) in, the
 * files that implement it out, as structured JSON. What the model returns is checked before it is
 * passed on: safe relative paths only, no duplicates, size and count limits.
 */
import { AppError } from '../../platform/errors.js';
import type { AssistantConfig } from '../config-schema.js';
import { languageOf } from '../files/languages.js';
import { unsafePathReason } from '../files/paths.js';
import { fence, oneLine, type PromptTemplate, renderTemplate } from '../prompts/templates.js';
import { GenerateAnswer, type GenerateBody } from '../schemas.js';
import {
  answerFrame,
  completionBody,
  failedCall,
  jsonAnswerOf,
  type Plan,
  progressReporter,
  promptMessages,
} from './common.js';
import type { WorkContext, WorkOutcome } from './runner.js';

const readAnswer = jsonAnswerOf(GenerateAnswer);

/** A `"path": "..."` member of the answer being streamed: a file the model started writing. */
const PATH_MEMBER = /"path"\s*:\s*"((?:[^"\\]|\\.){1,400})"/;

export interface GeneratedFile {
  path: string;
  language: string;
  content: string;
  bytes: number;
}

/** Checks the request's existing files (400/413 before anything runs). */
export function checkInputFiles(body: GenerateBody, config: AssistantConfig['generate']): void {
  const files = body.files ?? [];
  if (files.length > config.maxInputFiles)
    throw new AppError('PAYLOAD_TOO_LARGE', `At most ${config.maxInputFiles} existing files may be sent.`);
  const total = files.reduce((n, f) => n + Buffer.byteLength(f.content, 'utf8'), 0);
  if (total > config.maxInputBytes)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `The existing files exceed ${config.maxInputBytes} bytes in total.`,
    );
  const problems = files.flatMap((f, i) => {
    const reason = unsafePathReason(f.path);
    return reason ? [{ field: `body.files.${i}.path`, message: reason }] : [];
  });
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, problems);
}

/** The prompt of a generate request. */
export function generatePrompt(template: PromptTemplate, body: GenerateBody) {
  const files = (body.files ?? [])
    .map((f) => `File: ${f.path}\n${fence(f.content, languageOf(f.path))}`)
    .join('\n\n');
  return renderTemplate(template, {
    description: fence(body.description),
    framework: body.framework ? oneLine(body.framework) : '',
    language: body.language ? oneLine(body.language) : '',
    files,
  });
}

/** Keeps the files that pass the checks; the others are listed with the reason. */
export function acceptFiles(answer: GenerateAnswer, config: AssistantConfig['generate']) {
  const files: GeneratedFile[] = [];
  const rejected: Array<{ path: string; reason: string }> = [];
  for (const file of answer.files) {
    const bytes = Buffer.byteLength(file.content, 'utf8');
    const reason =
      unsafePathReason(file.path) ??
      (files.some((f) => f.path === file.path)
        ? 'repeats an earlier file'
        : bytes > config.maxFileBytes
          ? `is larger than ${config.maxFileBytes} bytes`
          : files.length >= config.maxFiles
            ? `is past the limit of ${config.maxFiles} files`
            : undefined);
    if (reason) rejected.push({ path: file.path.slice(0, 300), reason });
    else
      files.push({
        path: file.path,
        language: file.language || languageOf(file.path),
        content: file.content,
        bytes,
      });
  }
  return { files, rejected };
}

/** The work of a generate operation. */
export function generateWork(body: GenerateBody, plan: Plan) {
  const { requestId, template, model, config, placement } = plan;
  return async (ctx: WorkContext): Promise<WorkOutcome> => {
    const request = completionBody(model, promptMessages(generatePrompt(template, body)), config, {
      name: 'ai_la_generate_v1',
      schema: GenerateAnswer,
    });
    const onDelta = plan.stream
      ? progressReporter(ctx.emit, PATH_MEMBER, (paths) => ({ files: paths }))
      : undefined;
    const call = await ctx.complete(request, onDelta);
    const failed = failedCall(call);
    if (failed) return failed;
    const answer = readAnswer(call);
    const { files, rejected } = acceptFiles(answer, config.generate);
    if (files.length === 0 && answer.files.length > 0)
      throw new AppError('MODEL_OUTPUT_INVALID', 'The model answered no file that passes the checks.');
    return {
      status: 'ok',
      body: {
        ...answerFrame('assistant.generation', requestId, template, call, placement),
        summary: answer.summary,
        files,
        notes: answer.notes ?? [],
        rejected,
      },
      summary: {
        files: files.length,
        rejected: rejected.length,
        bytes: files.reduce((n, f) => n + f.bytes, 0),
      },
    };
  };
}
