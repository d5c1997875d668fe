/**
 * Builds the UI from the current sources into a temporary directory with the project's own Vite
 * configuration, so browser tests always run what `npm run build` would ship.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const ADMIN_UI_DIR = resolve(import.meta.dirname, '../..');

export interface BuiltUi {
  distDir: string;
  remove(): Promise<void>;
}

export async function buildUi(): Promise<BuiltUi> {
  const dir = await mkdtemp(join(tmpdir(), 'aila-ui-'));
  const distDir = join(dir, 'dist');
  // Vite sets NODE_ENV=production for a build; the development IdP of the same test refuses that.
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({
      root: ADMIN_UI_DIR,
      configFile: join(ADMIN_UI_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: distDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return { distDir, remove: () => rm(dir, { recursive: true, force: true }) };
}
