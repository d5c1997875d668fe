/**
 * Versioned prompt templates (`<id>.v<version>.md` in this folder): front matter (id, version,
 * description, variables), a `## system` section and a `## user` section. Loaded and checked at
 * boot, so a broken template stops the appliance instead of a request.
 *
 * The system section takes no variables at all: user text only ever reaches the user message, where
 * {@link fence} keeps it inside its block. The user section uses `{{name}}` for a value and
 * `{{#name}} ... {{/name}}` for a part shown only when the value is not empty.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The folder of the shipped templates (next to this file in src/ and, copied by the build, in dist/). */
export const PROMPTS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** One checked template. */
export interface PromptTemplate {
  id: string;
  version: number;
  description: string;
  variables: string[];
  system: string;
  user: string;
  /** Hex SHA-256 of the file, so an auditor can tell exactly which text was used. */
  sha256: string;
}

/** The rendered messages of a template. */
export interface RenderedPrompt {
  system: string;
  user: string;
}

const FILE_NAME = /^([a-z][a-z0-9_-]{0,62})\.v([1-9][0-9]{0,5})\.md$/;
const TAG = /\{\{\s*([#/]?)\s*([^}]*?)\s*\}\}/g;
const NAME = /^[a-z][a-z0-9_]*$/;

/** Problems of a template file, all of them. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`prompt template ${file}: ${problems.join('; ')}`);
    this.name = 'TemplateError';
  }
}

/** Splits `## system` / `## user` sections (level-2 headings, nothing else at that level). */
function sections(body: string, problems: string[]): Record<'system' | 'user', string> {
  const parts = body.split(/^## +(\S+)[ \t]*$/m);
  const found: Record<string, string> = {};
  if ((parts[0] ?? '').trim() !== '') problems.push('text before the first section');
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    if (name !== 'system' && name !== 'user') problems.push(`unknown section ${name}`);
    else if (found[name] !== undefined) problems.push(`section ${name} appears twice`);
    else found[name] = (parts[i + 1] ?? '').trim();
  }
  for (const name of ['system', 'user'])
    if (!found[name]) problems.push(`section ${name} is missing or empty`);
  return { system: found.system ?? '', user: found.user ?? '' };
}

/** Checks the tags of the user section: known variables, balanced `{{#x}}...{{/x}}`. */
function checkTags(user: string, variables: string[], problems: string[]): void {
  const open: string[] = [];
  const used = new Set<string>();
  for (const [, kind, name = ''] of user.matchAll(TAG)) {
    if (!variables.includes(name)) problems.push(`{{${kind}${name}}} is not a declared variable`);
    used.add(name);
    if (kind === '#') open.push(name);
    else if (kind === '/' && open.pop() !== name) problems.push(`{{/${name}}} closes nothing open`);
  }
  if (open.length > 0) problems.push(`{{#${open.join('}}, {{#')}}} never closed`);
  for (const v of variables) if (!used.has(v)) problems.push(`variable ${v} is declared but never used`);
}

/** Parses and checks one template file; `file` is its name (`generate.v1.md`). */
export function parseTemplate(file: string, text: string): PromptTemplate {
  const problems: string[] = [];
  const named = FILE_NAME.exec(file);
  if (!named) problems.push('file name is not <id>.v<version>.md');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new TemplateError(file, [...problems, 'no front matter (--- ... ---) at the top']);
  let meta: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(match[1] as string);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      meta = parsed as Record<string, unknown>;
    else problems.push('front matter is not a mapping');
  } catch (err) {
    problems.push(`front matter is not YAML: ${(err as Error).message}`);
  }
  const { id, version, description, variables } = meta;
  if (typeof id !== 'string' || id !== named?.[1]) problems.push('id must match the file name');
  if (version !== Number(named?.[2])) problems.push('version must match the file name');
  if (typeof description !== 'string' || description.trim() === '') problems.push('description is missing');
  const names = Array.isArray(variables) ? variables : [];
  if (!Array.isArray(variables) || !names.every((v) => typeof v === 'string' && NAME.test(v)))
    problems.push('variables must be a list of lowercase names');
  for (const key of Object.keys(meta))
    if (!['id', 'version', 'description', 'variables'].includes(key)) problems.push(`unknown key ${key}`);
  const body = sections(match[2] as string, problems);
  if (body.system.includes('{{')) problems.push('the system section may not use variables');
  checkTags(body.user, names as string[], problems);
  if (problems.length > 0) throw new TemplateError(file, problems);
  return {
    id: id as string,
    version: version as number,
    description: description as string,
    variables: names as string[],
    system: body.system,
    user: body.user,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}

/**
 * Renders a template: every declared variable must be given (empty string: absent). Values are
 * inserted verbatim, so callers pass user text through {@link fence} or {@link oneLine} first.
 */
export function renderTemplate(template: PromptTemplate, values: Record<string, string>): RenderedPrompt {
  const missing = template.variables.filter((v) => values[v] === undefined);
  if (missing.length > 0) throw new Error(`template ${template.id}: no value for ${missing.join(', ')}`);
  let user = template.user;
  // Innermost sections first, until none is left (the tags were checked at load).
  const section = /\{\{\s*#\s*([a-z0-9_]+)\s*\}\}((?:(?!\{\{\s*#)[\s\S])*?)\{\{\s*\/\s*\1\s*\}\}/;
  for (let m = section.exec(user); m; m = section.exec(user)) {
    const shown = (values[m[1] as string] as string) !== '';
    user = user.slice(0, m.index) + (shown ? (m[2] as string) : '') + user.slice(m.index + m[0].length);
  }
  // One pass over the value tags: a value containing `{{x}}` is never expanded again.
  user = user.replace(TAG, (_all, _kind: string, name: string) => values[name] as string);
  return { system: template.system, user: user.replace(/\n{3,}/g, '\n\n').trim() };
}

/**
 * A fenced block its content cannot close: the fence is one backtick longer than the longest run of
 * backticks inside (CommonMark 0.31 §4.5, a closing fence is at least as long as the opening one).
 */
export function fence(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return `${marks}${info}\n${text.endsWith('\n') ? text : `${text}\n`}${marks}`;
}

/** A short user value on one line (framework, language, focus): whitespace runs become one space. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The loaded templates: every version of every id, the highest version in use. */
export class PromptLibrary {
  private readonly byId = new Map<string, PromptTemplate[]>();

  constructor(templates: readonly PromptTemplate[]) {
    for (const t of templates) {
      const list = this.byId.get(t.id) ?? [];
      if (list.some((o) => o.version === t.version)) throw new Error(`template ${t.id} v${t.version} twice`);
      list.push(t);
      list.sort((a, b) => b.version - a.version);
      this.byId.set(t.id, list);
    }
  }

  /** The version in use of a template (the highest). */
  current(id: string): PromptTemplate {
    const t = this.byId.get(id)?.[0];
    if (!t) throw new Error(`no prompt template ${id}`);
    return t;
  }

  /** Every template, ids in order, newest version first. */
  all(): PromptTemplate[] {
    return [...this.byId.keys()].sort().flatMap((id) => this.byId.get(id) ?? []);
  }
}

/**
 * Loads every `*.md` template of `dir` and checks that each of `required` exists.
 * @throws TemplateError or Error listing what is wrong (the appliance does not start).
 */
export async function loadPromptLibrary(dir: string, required: readonly string[]): Promise<PromptLibrary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  const templates: PromptTemplate[] = [];
  for (const file of files) templates.push(parseTemplate(file, await readFile(join(dir, file), 'utf8')));
  const library = new PromptLibrary(templates);
  const ids = new Set(templates.map((t) => t.id));
  const absent = required.filter((id) => !ids.has(id));
  if (absent.length > 0) throw new Error(`prompt templates missing in ${dir}: ${absent.join(', ')}`);
  return library;
}
