/**
 * Test support for the gateway: builds an Express app from {@link createGatewayModule} the way
 * app.ts does (request context, JSON body parser, routers, error handler), with a test guard that
 * takes the caller from the bearer token, and an in-memory evidence recorder. The inference
 * endpoints are served on the lean path in front of Express, as in the appliance, unless `lean` is
 * false. Used by the gateway's and usage module's integration tests.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import express, { type Request, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { type Logger, pino } from 'pino';
import type { AuditService } from '../../audit/index.js';
import { AppError } from '../../platform/errors.js';
import { Health } from '../../platform/health.js';
import { errorHandler, notFoundHandler } from '../../platform/http/error-handler.js';
import { LeanRoutes } from '../../platform/http/lean-routes.js';
import { requestContext } from '../../platform/http/request-context.js';
import { securityHeaders } from '../../platform/http/security.js';
import { Metrics } from '../../telemetry/metrics.js';
import { GatewayConfig } from '../config-schema.js';
import {
  type Caller,
  createGatewayModule,
  type DnsResolver,
  type GatewayModule,
  type LeanGuard,
} from '../index.js';
import type { CompletedOperation, OperationRecorder } from '../operation.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
// The section's own `default` only applies inside the whole configuration schema.
const { default: _sectionDefault, ...sectionSchema } = GatewayConfig;
const checkConfig = ajv.compile(sectionSchema);

/** A gateway configuration from a raw object, validated with every default applied (as at boot). */
export function gatewayConfig(raw: Record<string, unknown>): GatewayConfig {
  const copy = structuredClone(raw);
  if (!checkConfig(copy)) throw new Error(`invalid gateway config: ${ajv.errorsText(checkConfig.errors)}`);
  return copy as unknown as GatewayConfig;
}

/** A new caller with random ids (a team, and an API key unless `withKey` is false). */
export function newCaller(overrides: Partial<Caller> = {}, withKey = true): Caller {
  return {
    userId: randomUUID(),
    teamId: randomUUID(),
    ...(withKey ? { apiKeyId: randomUUID() } : {}),
    ...overrides,
  };
}

/** The bearer token the test guard turns back into `caller` (the `apiKey` of an `openai` client). */
export const tokenFor = (caller: Caller) => Buffer.from(JSON.stringify(caller)).toString('base64url');

const callers = new WeakMap<Request, Caller>();

/** Stands in for authentication + authorisation: the caller is whoever the bearer token names. */
const testGuard: RequestHandler = (req, _res, next) => {
  const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  if (!token) throw new AppError('UNAUTHENTICATED');
  callers.set(req, JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Caller);
  next();
};

/** {@link testGuard} on the lean path. */
const testLeanGuard: LeanGuard = {
  accepts: (req) => /^Bearer (.+)$/.test(req.headers.authorization ?? ''),
  authorize: async (req) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] as string;
    const caller = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Caller;
    return () => caller;
  },
};

/** An evidence recorder keeping operations in memory; `receipt` carries the hashes for checks. */
export interface MemoryRecorder extends OperationRecorder {
  operations: CompletedOperation[];
  /** Resolves with the operation of `requestId` once recorded. */
  waitFor(requestId: string): Promise<CompletedOperation>;
  /** Makes the next calls fail (evidence store down). */
  failing: boolean;
}

export function memoryRecorder(): MemoryRecorder {
  const operations: CompletedOperation[] = [];
  const waiters = new Map<string, (op: CompletedOperation) => void>();
  const recorder: MemoryRecorder = {
    operations,
    failing: false,
    async record(op) {
      if (recorder.failing) throw new Error('evidence store unavailable');
      operations.push(op);
      waiters.get(op.requestId)?.(op);
      const id = `pending-${operations.length}`;
      return {
        id,
        receipt: {
          version: 'TECP-0.1',
          input_hash: op.inputHash.toString('base64url'),
          output_hash: op.outputHash.toString('base64url'),
          ext: { op: op.op, request_id: op.requestId, status: op.status, backend: op.backend },
        },
      };
    },
    waitFor: (requestId) => {
      const done = operations.find((o) => o.requestId === requestId);
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.set(requestId, resolve));
    },
  };
  return recorder;
}

/** SHA-256 helper for assertions. */
export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();

export interface GatewayHarnessOptions {
  db: Knex;
  /** Raw `gateway` configuration (defaults applied). */
  config: Record<string, unknown>;
  evidence?: OperationRecorder;
  dnsResolver?: DnsResolver;
  audit?: AuditService;
  clock?: () => number;
  log?: Logger;
  /** Whether the inference endpoints are served on the lean path (default true). */
  lean?: boolean;
}

export interface GatewayHarness {
  /** Base URL; the OpenAI API is at `${url}/v1`. */
  url: string;
  module: GatewayModule;
  metrics: Metrics;
  health: Health;
  /** `fetch` with the caller's bearer token. */
  fetchAs(caller: Caller, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the gateway behind a real HTTP listener on an ephemeral loopback port. */
export async function startGateway(options: GatewayHarnessOptions): Promise<GatewayHarness> {
  const log = options.log ?? pino({ level: 'silent' });
  const metrics = new Metrics();
  const health = new Health();
  const caller = (req: Request): Caller => {
    const found = callers.get(req);
    if (!found) throw new AppError('UNAUTHENTICATED');
    return found;
  };
  const module = await createGatewayModule({
    db: options.db,
    log,
    config: gatewayConfig(options.config),
    metrics,
    health,
    guard: [testGuard],
    caller,
    ...(options.evidence ? { evidence: options.evidence } : {}),
    ...(options.dnsResolver ? { dnsResolver: options.dnsResolver } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(log));
  app.use(express.json({ limit: '4mb', strict: true }));
  app.use(module.router);
  app.use('/api/v1/admin/backends', testGuard, module.adminRouter);
  app.use('/api/v1/admin/quotas', testGuard, module.quotaRouter);
  app.use('/api/v1/admin/usage', testGuard, module.usage.adminRouter);
  app.use('/api/v1/user/usage', testGuard, module.usage.router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  const lean = new LeanRoutes({ log, metrics, health, security: securityHeaders('http://127.0.0.1') });
  module.declareLeanRoutes(lean, testLeanGuard);
  const server: Server =
    options.lean === false
      ? createServer(app)
      : createServer((req, res) => lean.serve(req, res) || app(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    module,
    metrics,
    health,
    fetchAs: (who, path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${tokenFor(who)}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await module.close();
    },
  };
}
