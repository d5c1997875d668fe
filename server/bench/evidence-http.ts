/** HTTP servers of the evidence benchmark: the appliance's public log reads, and a bare floor. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { expressDeclarer } from '../src/evidence/index.js';
import { Health } from '../src/platform/health.js';
import { errorHandler, notFoundHandler } from '../src/platform/http/error-handler.js';
import { HttpServer } from '../src/platform/http/http-server.js';
import { LeanRoutes } from '../src/platform/http/lean-routes.js';
import { requestContext } from '../src/platform/http/request-context.js';
import { securityHeaders } from '../src/platform/http/security.js';
import { createLogger } from '../src/platform/logger.js';
import { Metrics } from '../src/telemetry/metrics.js';
import type { BenchEnv } from './evidence-support.js';

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** A production-like logger: one JSON line per request, written asynchronously (to /dev/null). */
const httpLog = createLogger({
  level: 'info',
  destination: pino.destination({ dest: '/dev/null', sync: false }),
});

/**
 * The public log routes as app.ts serves them: request context, metrics, security headers, the
 * routes and the error handler, behind the platform's HttpServer, with or without the lean path.
 */
export async function publicServer(env: BenchEnv, lean: boolean): Promise<BenchServer> {
  const metrics = new Metrics();
  const health = new Health();
  const security = securityHeaders('http://localhost');
  const app = express();
  app.set('query parser', 'simple');
  app.set('etag', false);
  app.use(requestContext(httpLog), metrics.middleware(), security);
  const r = expressDeclarer();
  env.evidence.declarePublicRoutes(r);
  app.use(r.router, notFoundHandler, errorHandler);
  const routes = new LeanRoutes({ log: httpLog, metrics, health, security });
  env.evidence.declareLeanRoutes(routes);
  const http = new HttpServer(
    app,
    { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5000, headersTimeoutMs: 60000 },
    lean ? routes : undefined,
  );
  const address = await http.listen('127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((ok) => http.server.close(() => ok())),
  };
}

/** The floor: node:http answering a small JSON body, nothing else. */
export async function bareServer(): Promise<BenchServer> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
