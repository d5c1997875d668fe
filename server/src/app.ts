import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createAuditModule } from './audit/index.js';
import type { Config } from './config/index.js';
import { createIdentityModule, RouteRegistry } from './identity/index.js';
import { BUILD } from './platform/build-info.js';
import type { Health } from './platform/health.js';
import { errorHandler, notFoundHandler } from './platform/http/error-handler.js';
import { requestContext } from './platform/http/request-context.js';
import type { Metrics } from './telemetry/metrics.js';

/** Everything the application needs from the outside, built by main.ts (or a test). */
export interface AppDeps {
  config: Config;
  db: Knex;
  log: Logger;
  health: Health;
  metrics: Metrics;
  /** Extra routes mounted after the modules' (embedding the appliance, tests). */
  extend?: (app: Express) => void;
}

/**
 * Strict Content-Security-Policy for the API and the web UI served from the same origin: no inline
 * script or style, no third-party origins, no framing.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/**
 * Builds the Express application: the middleware order, each module's router, the error handler
 * last. This is the one place where modules meet.
 */
export async function createApp(deps: AppDeps): Promise<Express> {
  const { config, health, metrics, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  app.set('query parser', 'simple');
  app.set('etag', false);

  app.use(requestContext(log));
  app.use(metrics.middleware());
  app.use((_req, res, next) => {
    // While draining, close each connection after its response so clients reconnect elsewhere.
    if (health.isDraining) res.setHeader('connection', 'close');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      strictTransportSecurity: config.server.publicUrl.startsWith('https://')
        ? { maxAge: 31536000, includeSubDomains: true }
        : false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(health.router());
  app.use(express.json({ limit: config.server.jsonBodyLimit, strict: true }));

  // Every route below is declared in this registry with the access it requires (identity/rbac.ts).
  const routes = new RouteRegistry();
  const audit = (
    await createAuditModule({
      db: deps.db,
      ...(config.audit.hmacKey ? { hmacKey: config.audit.hmacKey } : {}),
    })
  ).service;
  const identity = await createIdentityModule({
    db: deps.db,
    log,
    audit,
    config: { auth: config.auth, publicUrl: config.server.publicUrl },
    routes,
  });
  app.use(identity.authenticate);

  const platform = routes.router();
  platform.get('/api/v1/version', 'public', (_req, res) => {
    res.json({ name: 'ai-la', version: BUILD.version });
  });
  platform.get('/', 'public', (_req, res) => {
    res.json({
      name: 'AI-LA Enterprise Appliance',
      version: BUILD.version,
      endpoints: { liveness: '/livez', readiness: '/readyz', version: '/api/v1/version' },
    });
  });
  app.use(platform.router);
  app.use(identity.router);

  deps.extend?.(app);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
