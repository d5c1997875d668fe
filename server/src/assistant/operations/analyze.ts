/**
 * `analyze`: a project's files (a JSON list, or an uploaded `.tar.gz`) in, structured findings out
 * (file, line, severity, category, message, suggestion), most severe first. Findings about files
 * that were not sent are dropped; line numbers are kept within the file.
 */
import { AppError } from '../../platform/errors.js';
import type { AssistantConfig } from '../config-schema.js';
import { unsafePathReason } from '../files/paths.js';
import { numberedListing, type SkippedFile, type SourceFile, selectSources } from '../files/sources.js';
import { readTarGz } from '../files/tar.js';
import { fence, oneLine, renderTemplate } from '../prompts/templates.js';
import { type AnalyzeAnswer, AnalyzeAnswer as AnalyzeAnswerSchema, SEVERITIES } from '../schemas.js';
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

const readAnswer = jsonAnswerOf(AnalyzeAnswerSchema);
const SEVERITY_MEMBER = /"severity"\s*:\s*"([a-z]{1,16})"/;
/** Most findings passed on from one answer. */
const MAX_FINDINGS = 500;

type Finding = AnalyzeAnswer['findings'][number];

/** The files of an analysis and those left out. */
export interface AnalysisInput {
  files: SourceFile[];
  skipped: SkippedFile[];
}

/** Files from a JSON request: safe paths (400 otherwise), at most `maxFiles` (413). */
export function jsonSources(
  files: ReadonlyArray<{ path: string; content: string }>,
  config: AssistantConfig['analyze'],
) {
  if (files.length > config.maxFiles)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `At most ${config.maxFiles} files may be sent; upload a .tar.gz instead.`,
    );
  const problems = files.flatMap((f, i) => {
    const reason = unsafePathReason(f.path);
    return reason ? [{ field: `body.files.${i}.path`, message: reason }] : [];
  });
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, problems);
  return sourcesOf(
    files.map((f) => ({ path: f.path, data: Buffer.from(f.content, 'utf8') })),
    config,
  );
}

/** Files from an uploaded archive (ARCHIVE_* errors for what is refused). */
export async function archiveSources(upload: Buffer, config: AssistantConfig['analyze']) {
  return sourcesOf(await readTarGz(upload, config), config);
}

function sourcesOf(candidates: Array<{ path: string; data: Buffer }>, config: AssistantConfig['analyze']) {
  const input = selectSources(candidates, config);
  if (input.files.length === 0)
    throw new AppError('VALIDATION_FAILED', 'There is no text file to analyze.', [
      ...input.skipped.slice(0, 50).map((s) => ({ field: s.path, message: `skipped: ${s.reason}` })),
    ]);
  return input;
}

const rank = (severity: string) => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);

/** Findings about sent files, lines within them, most severe first, then by file and line. */
export function acceptFindings(findings: readonly Finding[], files: readonly SourceFile[]) {
  const lines = new Map(files.map((f) => [f.path, f.lines]));
  const kept = findings
    .filter((f) => lines.has(f.file))
    .map((f) => ({ ...f, line: Math.min(f.line, lines.get(f.file) as number) }))
    .sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
        a.line - b.line,
    )
    .slice(0, MAX_FINDINGS);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, kept.filter((f) => f.severity === s).length]));
  return { findings: kept, counts, dropped: findings.length - kept.length };
}

/** The work of an analyze operation. */
export function analyzeWork(input: AnalysisInput, focus: readonly string[], plan: Plan) {
  const { requestId, template, model, config, placement } = plan;
  return async (ctx: WorkContext): Promise<WorkOutcome> => {
    const prompt = renderTemplate(template, {
      files: numberedListing(input.files, fence),
      focus: oneLine(focus.join(', ')),
    });
    const request = completionBody(model, promptMessages(prompt), config, {
      name: 'ai_la_analyze_v1',
      schema: AnalyzeAnswerSchema,
    });
    const onDelta = plan.stream
      ? progressReporter(ctx.emit, SEVERITY_MEMBER, (severities) => ({ findings: severities.length }))
      : undefined;
    const call = await ctx.complete(request, onDelta);
    const failed = failedCall(call);
    if (failed) return failed;
    const answer = readAnswer(call);
    const { findings, counts, dropped } = acceptFindings(answer.findings, input.files);
    return {
      status: 'ok',
      body: {
        ...answerFrame('assistant.analysis', requestId, template, call, placement),
        summary: answer.summary,
        counts,
        findings,
        files: {
          analyzed: input.files.map((f) => ({ path: f.path, language: f.language, lines: f.lines })),
          skipped: input.skipped,
        },
      },
      summary: { files: input.files.length, skipped: input.skipped.length, findings: counts, dropped },
    };
  };
}
