import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.js';

export interface WebModuleDeps {
  /** The built web UI (`admin-ui/dist`): `index.html` plus content-hashed files under `assets/`. */
  distDir: string;
  log?: Logger;
}

export interface WebModule {
  /** Serves the UI's files and answers browser navigations with `index.html`. Mount after the API routers. */
  router: Router;
}

/**
 * Path prefixes that belong to the server, never to the single-page application: a browser
 * navigation there gets the API's own answer (usually a JSON 404), not the UI.
 */
export const SERVER_PREFIXES = [
  '/api',
  '/v1',
  '/auth',
  '/log',
  '/scim',
  '/.well-known',
  '/livez',
  '/readyz',
] as const;

/** Vite writes content-hashed file names under `assets/`: a changed file gets a new name. */
const ASSETS_DIR = 'assets';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, favicon) is revalidated on each use so a new release shows at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT =
  'The web UI is not built: run `npm run build` (or `npm run build -w @ai-la/admin-ui`) so that admin-ui/dist exists, then reload.';

/**
 * Where the built UI lives next to this module, in the repository (`server/src/web`) and in the
 * image (`server/dist/src/web`): `<root>/admin-ui/dist`.
 */
export function defaultDistDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const compiled = here.includes(`${sep}dist${sep}src${sep}`);
  return resolve(here, compiled ? '../../../..' : '../../..', 'admin-ui', 'dist');
}

/** True for `/api`, `/api/...` and the other server prefixes; false for `/apix` or `/workspace`. */
export function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** A browser navigation: GET or HEAD whose Accept header names HTML (RFC 9110 §12.5.1). */
function isNavigation(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.path === '/') return true;
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(req.get('accept') ?? '');
}

/**
 * Creates the router that serves the web UI from `distDir`: hashed assets with a one-year immutable
 * cache, `index.html` with `no-cache`, and `index.html` for every browser navigation outside the
 * server's prefixes (the UI routes on the client with the History API). Without a build it answers
 * those navigations with a 503 telling the operator to build the UI. The page itself carries no
 * inline script or style, so the server's strict Content-Security-Policy applies unchanged.
 */
export function createWebModule({ distDir, log }: WebModuleDeps): WebModule {
  const root = resolve(distDir);
  const indexFile = resolve(root, 'index.html');
  if (!existsSync(indexFile)) log?.warn({ distDir: root }, 'web UI not built; run npm run build');
  const router = Router();

  router.use(
    express.static(root, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      etag: true,
      lastModified: true,
      setHeaders: (res, path) => {
        const hashed = path.startsWith(`${resolve(root, ASSETS_DIR)}${sep}`);
        res.setHeader('cache-control', hashed ? IMMUTABLE : REVALIDATE);
      },
    }),
  );

  router.use((req: Request, res: Response, next) => {
    if (isServerPath(req.path) || req.path.startsWith(`/${ASSETS_DIR}/`) || !isNavigation(req)) {
      next();
      return;
    }
    if (!existsSync(indexFile)) throw new AppError('NOT_READY', NOT_BUILT);
    res.sendFile(indexFile, { headers: { 'cache-control': REVALIDATE }, lastModified: true }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });

  return { router };
}
