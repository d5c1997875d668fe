/**
 * The receipt `code_ref` (EVIDENCE.md §1): `build:sha256:<hex digest of the running build>`. Unless
 * configured (CI sets the image digest), the digest covers every file of the code directory this
 * module runs from (`src` under tsx, `dist/src` when built), path by path in sorted order.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the running code: the directory above `evidence/`. */
export const CODE_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(path);
      return e.isFile() ? [path] : [];
    }),
  );
  return nested.flat();
}

/** SHA-256 over `<relative path> NUL <SHA-256 of the file> LF` for every file, in path order. */
export async function digestOfTree(root: string): Promise<string> {
  const files = (await filesUnder(root)).map((f) => relative(root, f).split(sep).join('/')).sort();
  const outer = createHash('sha256');
  for (const file of files) {
    const inner = createHash('sha256')
      .update(await readFile(join(root, file)))
      .digest('hex');
    outer.update(`${file}\0${inner}\n`);
  }
  return outer.digest('hex');
}

/** The configured code_ref, or `build:sha256:` + the digest of the running code. */
export async function resolveCodeRef(configured: string | undefined, root = CODE_ROOT): Promise<string> {
  return configured ?? `build:sha256:${await digestOfTree(root)}`;
}
