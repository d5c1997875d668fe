/**
 * Code templates of the simulated coding model: one small, runnable function per
 * language (trim, drop empty and repeated items), named after the request.
 */

/** A language the simulated model writes code in. */
export interface Language {
  /** Name shown in the explanation. */
  label: string;
  /** Markdown fence info string. */
  fence: string;
  /** Identifier style of the language. */
  naming: 'camel' | 'snake' | 'pascal';
  /** Renders a small, runnable function named `name`. */
  render: (name: string) => string;
}

/** The default language (the appliance's own). */
export const TYPESCRIPT: Language = {
  label: 'TypeScript',
  fence: 'ts',
  naming: 'camel',
  render: (name) =>
    [
      `export function ${name}(items: readonly string[]): string[] {`,
      '  const seen = new Set<string>();',
      '  const result: string[] = [];',
      '  for (const raw of items) {',
      '    const item = raw.trim();',
      '    if (item.length === 0 || seen.has(item)) continue;',
      '    seen.add(item);',
      '    result.push(item);',
      '  }',
      '  return result;',
      '}',
      '',
      `console.log(${name}([' a ', 'b', '', 'a']));`,
    ].join('\n'),
};

/** Languages recognised in a request, checked in order; the first match wins. */
export const LANGUAGES: ReadonlyArray<{ pattern: RegExp; language: Language }> = [
  {
    pattern: /\b(python|py|django|flask|pandas|pytest)\b/i,
    language: {
      label: 'Python',
      fence: 'python',
      naming: 'snake',
      render: (name) =>
        [
          `def ${name}(items: list[str]) -> list[str]:`,
          '    seen: set[str] = set()',
          '    result: list[str] = []',
          '    for raw in items:',
          '        item = raw.strip()',
          '        if not item or item in seen:',
          '            continue',
          '        seen.add(item)',
          '        result.append(item)',
          '    return result',
          '',
          '',
          `print(${name}([" a ", "b", "", "a"]))`,
        ].join('\n'),
    },
  },
  { pattern: /\b(typescript|ts|tsx|angular|deno)\b/i, language: TYPESCRIPT },
  {
    pattern: /\b(javascript|js|node(\.js)?|react|express)\b/i,
    language: {
      label: 'JavaScript',
      fence: 'js',
      naming: 'camel',
      render: (name) =>
        [
          `export function ${name}(items) {`,
          '  const seen = new Set();',
          '  const result = [];',
          '  for (const raw of items) {',
          '    const item = raw.trim();',
          "    if (item === '' || seen.has(item)) continue;",
          '    seen.add(item);',
          '    result.push(item);',
          '  }',
          '  return result;',
          '}',
          '',
          `console.log(${name}([' a ', 'b', '', 'a']));`,
        ].join('\n'),
    },
  },
  {
    pattern: /\b(golang|go (code|function|program|module)|in go)\b/i,
    language: {
      label: 'Go',
      fence: 'go',
      naming: 'pascal',
      render: (name) =>
        [
          'import "strings"',
          '',
          `// ${name} trims items and drops empty and repeated ones, keeping the first occurrence.`,
          `func ${name}(items []string) []string {`,
          '\tseen := make(map[string]bool, len(items))',
          '\tresult := make([]string, 0, len(items))',
          '\tfor _, raw := range items {',
          '\t\titem := strings.TrimSpace(raw)',
          '\t\tif item == "" || seen[item] {',
          '\t\t\tcontinue',
          '\t\t}',
          '\t\tseen[item] = true',
          '\t\tresult = append(result, item)',
          '\t}',
          '\treturn result',
          '}',
        ].join('\n'),
    },
  },
  {
    pattern: /\b(rust|cargo|crate)\b/i,
    language: {
      label: 'Rust',
      fence: 'rust',
      naming: 'snake',
      render: (name) =>
        [
          'use std::collections::HashSet;',
          '',
          `pub fn ${name}(items: &[&str]) -> Vec<String> {`,
          '    let mut seen = HashSet::new();',
          '    items',
          '        .iter()',
          '        .map(|raw| raw.trim())',
          '        .filter(|item| !item.is_empty() && seen.insert(item.to_string()))',
          '        .map(str::to_string)',
          '        .collect()',
          '}',
        ].join('\n'),
    },
  },
  {
    pattern: /\b(sql|postgres(ql)?|mysql|sqlite|query)\b/i,
    language: {
      label: 'SQL',
      fence: 'sql',
      naming: 'snake',
      render: (name) =>
        [
          `-- ${name}: distinct, trimmed, non-empty values in first-seen order`,
          'SELECT item',
          'FROM (',
          '  SELECT btrim(raw) AS item, min(position) AS first_seen',
          '  FROM items',
          "  WHERE btrim(raw) <> ''",
          '  GROUP BY btrim(raw)',
          ') AS distinct_items',
          'ORDER BY first_seen;',
        ].join('\n'),
    },
  },
  {
    pattern: /\b(bash|shell|zsh|sh)\b/i,
    language: {
      label: 'Bash',
      fence: 'bash',
      naming: 'snake',
      render: (name) =>
        [
          '#!/usr/bin/env bash',
          'set -euo pipefail',
          '',
          `${name}() {`,
          "  sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | awk 'NF && !seen[$0]++'",
          '}',
          '',
          `printf ' a \\nb\\n\\na\\n' | ${name}`,
        ].join('\n'),
    },
  },
];
