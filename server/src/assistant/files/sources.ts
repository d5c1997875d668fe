/**
 * Which files of a project an analysis reads: text files, in path order, within the per-file and
 * total budgets; binaries, dependency folders, lock files and files past the budget are skipped, and
 * the answer says which and why.
 */
import { languageOf } from './languages.js';

/** A text file to analyze. */
export interface SourceFile {
  path: string;
  text: string;
  language: string;
  lines: number;
}

export type SkipReason = 'binary' | 'too_large' | 'ignored' | 'budget' | 'empty';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

/** Folders whose content is generated or vendored, never reviewed. */
const IGNORED_FOLDERS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'vendor',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.gradle',
  '.idea',
  '.vscode',
  '.next',
  '.terraform',
]);

/** Generated lock files: large, and nothing to review in them. */
const IGNORED_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'cargo.lock',
  'poetry.lock',
  'pipfile.lock',
  'composer.lock',
  'gemfile.lock',
  'go.sum',
  '.ds_store',
]);

function ignored(path: string): boolean {
  const segments = path.split('/');
  const name = (segments.pop() ?? '').toLowerCase();
  // `._name` files are macOS resource forks that tar adds beside each file.
  return IGNORED_FILES.has(name) || name.startsWith('._') || segments.some((s) => IGNORED_FOLDERS.has(s));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a file, or undefined when it is binary: a NUL byte in its first 8000 bytes (git's test) or invalid UTF-8. */
function textOf(data: Buffer): string | undefined {
  if (data.subarray(0, 8000).includes(0)) return undefined;
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

/** Picks the files to analyze from `candidates` (an archive's files, or a request's). */
export function selectSources(
  candidates: ReadonlyArray<{ path: string; data: Buffer }>,
  limits: { maxFileBytes: number; maxPromptBytes: number },
): { files: SourceFile[]; skipped: SkippedFile[] } {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  let budget = limits.maxPromptBytes;
  const sorted = [...candidates].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  for (const { path, data } of sorted) {
    if (seen.has(path)) continue; // A later duplicate in an archive: the first one is read.
    seen.add(path);
    const skip = (reason: SkipReason) => skipped.push({ path, reason });
    if (ignored(path)) skip('ignored');
    else if (data.length === 0) skip('empty');
    else if (data.length > limits.maxFileBytes) skip('too_large');
    else {
      const text = textOf(data);
      if (text === undefined) skip('binary');
      else if (data.length > budget) skip('budget');
      else {
        budget -= data.length;
        files.push({
          path,
          text,
          language: languageOf(path),
          lines: text.replace(/\n$/, '').split('\n').length,
        });
      }
    }
  }
  return { files, skipped };
}

/**
 * The files as the analyze prompt shows them: a header per file, then its lines numbered (the model
 * reports these numbers) inside a fence its content cannot close.
 */
export function numberedListing(files: readonly SourceFile[], fence: (text: string, info: string) => string) {
  return files
    .map((f) => {
      const lines = f.text.replace(/\n$/, '').split('\n');
      const width = String(lines.length).length;
      const numbered = lines.map((line, i) => `${String(i + 1).padStart(width)}| ${line}`).join('\n');
      return `File: ${f.path} (${f.language}, ${lines.length} lines)\n${fence(numbered, f.language)}`;
    })
    .join('\n\n');
}
