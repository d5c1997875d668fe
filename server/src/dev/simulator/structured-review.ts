/**
 * The simulated model's answer to a code review request asking for JSON findings (the assistant's
 * analyze operation): the files shown in the prompt (`File: <path> (<language>, <n> lines)` and a
 * fence of numbered lines) checked line by line against a few well-known rules. Deterministic.
 */

interface Rule {
  test: RegExp;
  languages?: readonly string[];
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  category: string;
  message: string;
  suggestion: string;
}

const JS = ['typescript', 'javascript'];

const RULES: readonly Rule[] = [
  {
    test: /(password|passwd|secret|api[_-]?key|token)\w*\s*[:=]\s*['"][^'"\s]{4,}['"]/i,
    severity: 'critical',
    category: 'security',
    message: 'A credential is written into the source code.',
    suggestion:
      'Read it from the environment or a secret store (for example Vault) and rotate the exposed value.',
  },
  {
    test: /\beval\s*\(|new Function\s*\(/,
    severity: 'high',
    category: 'security',
    message: 'eval runs arbitrary code built at run time.',
    suggestion: 'Parse the input (JSON.parse, a lookup table) instead of evaluating it.',
  },
  {
    test: /\b(select|insert|update|delete)\b[^;\n]*['"`]\s*\+|\+\s*['"`][^'"`\n]*\b(where|values)\b|f["'][^"'\n]*\b(select|where)\b[^"'\n]*\{/i,
    severity: 'high',
    category: 'security',
    message: 'An SQL statement is built by concatenating values (SQL injection).',
    suggestion: 'Use a parameterised query or the query builder so values are sent separately.',
  },
  {
    test: /catch\s*(\(\s*\w*\s*\))?\s*\{\s*\}/,
    languages: JS,
    severity: 'medium',
    category: 'correctness',
    message: 'An empty catch block swallows the error.',
    suggestion: 'Handle the error, or log it with context and rethrow.',
  },
  {
    test: /^\s*except\s*:/,
    languages: ['python'],
    severity: 'medium',
    category: 'correctness',
    message: 'A bare except also catches KeyboardInterrupt and SystemExit.',
    suggestion: 'Catch the specific exceptions expected here (for example except ValueError:).',
  },
  {
    test: /[^=!<>]==[^=]|!=[^=]/,
    languages: JS,
    severity: 'medium',
    category: 'correctness',
    message: 'Loose equality converts types before comparing.',
    suggestion: 'Use === and !== so values of different types never compare equal.',
  },
  {
    test: /['"`]http:\/\/(?!localhost|127\.0\.0\.1)[^'"`\s]+/,
    severity: 'medium',
    category: 'security',
    message: 'A URL uses plain HTTP.',
    suggestion: 'Use https:// so the traffic is encrypted and the server is authenticated.',
  },
  {
    test: /\b(TODO|FIXME|XXX)\b/,
    severity: 'low',
    category: 'maintainability',
    message: 'An unfinished piece of work is marked in the code.',
    suggestion: 'Finish it or track it in the issue tracker and remove the marker.',
  },
  {
    test: /:\s*any\b|as any\b/,
    languages: ['typescript'],
    severity: 'low',
    category: 'maintainability',
    message: 'The any type turns type checking off for this value.',
    suggestion: 'Give it a precise type, or unknown with a check before use.',
  },
  {
    test: /\bconsole\.log\(|^\s*print\(/,
    severity: 'info',
    category: 'style',
    message: 'Debug output is left in the code.',
    suggestion: 'Remove it or use the project logger with a level.',
  },
];

const MAX_FINDINGS = 50;
const LONG_LINE = 120;

interface ShownFile {
  path: string;
  language: string;
  lines: Array<{ number: number; text: string }>;
}

/** The files of the prompt with their numbered lines. */
function filesOf(prompt: string): ShownFile[] {
  const files: ShownFile[] = [];
  const header = /^File: (.+) \(([a-z0-9+#-]+), \d+ lines\)\n(`{3,})[^\n]*\n([\s\S]*?)\n\3$/gm;
  for (const m of prompt.matchAll(header)) {
    const lines = (m[4] as string).split('\n').flatMap((line) => {
      const numbered = /^\s*(\d+)\| ?(.*)$/.exec(line);
      return numbered ? [{ number: Number(numbered[1]), text: numbered[2] as string }] : [];
    });
    files.push({ path: m[1] as string, language: m[2] as string, lines });
  }
  return files;
}

/** The JSON answer `{summary, findings}` for an analyze prompt. */
export function composeReview(prompt: string): string {
  const files = filesOf(prompt);
  const findings: Array<Record<string, unknown>> = [];
  for (const file of files) {
    for (const { number, text } of file.lines) {
      for (const rule of RULES) {
        if (rule.languages && !rule.languages.includes(file.language)) continue;
        if (!rule.test.test(text)) continue;
        const { severity, category, message, suggestion } = rule;
        findings.push({ file: file.path, line: number, severity, category, message, suggestion });
        break; // One finding per line: the most severe rule that matches.
      }
      if (text.length > LONG_LINE)
        findings.push({
          file: file.path,
          line: number,
          severity: 'low',
          category: 'style',
          message: `The line is ${text.length} characters long.`,
          suggestion: `Wrap it below ${LONG_LINE} characters so it reads without scrolling.`,
        });
    }
  }
  const kept = findings.slice(0, MAX_FINDINGS);
  const lines = files.reduce((n, f) => n + f.lines.length, 0);
  const worst = ['critical', 'high', 'medium', 'low', 'info'].find((s) => kept.some((f) => f.severity === s));
  const reviewed = `Reviewed ${files.length} file${files.length === 1 ? '' : 's'} (${lines} lines)`;
  const summary =
    kept.length === 0
      ? `${reviewed}: no problem found by the simulated reviewer.`
      : `${reviewed}: ${kept.length} finding${kept.length === 1 ? '' : 's'}, the most severe ${worst}. Simulated review: a few fixed rules, not a real model.`;
  return JSON.stringify({ summary, findings: kept });
}
