import { readFileSync } from 'node:fs';

interface PackageJson {
  name: string;
  version: string;
}

/** The server package's name and version (server/package.json, one level above src/ and dist/src/). */
function readPackage(): PackageJson {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as PackageJson;
      if (pkg.name === '@ai-la/server') return pkg;
    } catch {
      // Not at this depth: try the next one (src/ under tsx, dist/src/ when built).
    }
  }
  throw new Error('server/package.json not found');
}

export const BUILD = { version: readPackage().version, node: process.version } as const;
