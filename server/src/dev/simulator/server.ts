/**
 * The simulator's HTTP front: routing, vLLM's API-key check, fault injection, request
 * statistics and the listening server. Bare `node:http`, no per-request logging, and
 * precomputed bodies for the static endpoints, because benchmarks compare the gateway
 * against this server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleChatCompletion } from './chat.js';
import { handleCompletion } from './completions.js';
import type { RequestContext } from './context.js';
import { handleEmbeddings } from './embeddings.js';
import {
  errorBody,
  METHOD_NOT_ALLOWED_BODY,
  NOT_FOUND_BODY,
  SimulatorHttpError,
  UNAUTHORIZED_BODY,
} from './errors.js';
import { FaultInjector } from './faults.js';
import { readBody, sendJson } from './http-io.js';
import { modelsBody } from './models.js';
import {
  emptyCounters,
  resolveLatency,
  resolveOptions,
  type SimulatorEndpoint,
  type SimulatorFault,
  type SimulatorLatency,
  type SimulatorOptions,
  type SimulatorStats,
} from './types.js';
import { type JsonObject, parseJsonObject } from './validate.js';

type InferenceHandler = (ctx: RequestContext, body: JsonObject) => Promise<void>;

const INFERENCE: ReadonlyMap<string, InferenceHandler> = new Map([
  ['/v1/chat/completions', handleChatCompletion],
  ['/v1/completions', handleCompletion],
  ['/v1/embeddings', handleEmbeddings],
]);

const GET_ROUTES = new Set(['/health', '/version', '/v1/models']);

/** A simulator not bound to a port: its request listener and runtime controls. */
export interface Simulator {
  /** The `node:http` request listener (mountable on any server). */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Replaces the injected faults; `{}` clears them. Throws `TypeError` on invalid values. */
  setFault: (fault: SimulatorFault) => void;
  /** The faults in force. */
  getFault: () => SimulatorFault;
  /** Replaces the generation latency for requests that arrive from now on. */
  setLatency: (latency: Partial<SimulatorLatency>) => void;
  /** A snapshot of the request counters. */
  stats: () => SimulatorStats;
  /** Zeroes the counters (in-flight requests stay counted). */
  resetStats: () => void;
  /** Resolves once no request is in flight (immediately when idle). */
  waitForIdle: () => Promise<void>;
}

/** A listening simulator. */
export interface RunningSimulator extends Simulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; the API is at `${url}/v1`. */
  url: string;
  /** The bound port. */
  port: number;
  /** The underlying server. */
  server: Server;
  /** Stops listening and drops every open connection. */
  close: () => Promise<void>;
}

function endpointOf(path: string): SimulatorEndpoint {
  return GET_ROUTES.has(path) || INFERENCE.has(path) ? (path as SimulatorEndpoint) : 'other';
}

/** Builds a simulator without listening; see {@link startSimulator} to serve it. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const config = resolveOptions(options);
  const faults = new FaultInjector(config.fault);
  const idPrefix = randomBytes(8).toString('hex');
  const expectedAuth = config.apiKey === undefined ? null : Buffer.from(`Bearer ${config.apiKey}`);
  const modelsJson = modelsBody(config.models, config.maxModelLen, Math.floor(Date.now() / 1000), idPrefix);
  const versionJson = JSON.stringify({ version: config.version });
  let latency = config.latency;
  let sequence = 0;
  let inFlight = 0;
  let counters = emptyCounters();
  let idleWaiters: Array<() => void> = [];

  const newId = (prefix: string): string => {
    sequence += 1;
    return `${prefix}${idPrefix}${sequence.toString(16).padStart(16, '0')}`;
  };

  const sendError = (res: ServerResponse, error: SimulatorHttpError): void => {
    sendJson(res, error.status, errorBody(config.errorFormat, error.status, error.message, error.type));
  };

  // vLLM's middleware: only /v1 paths need the key, and CORS preflights pass.
  const authorized = (req: IncomingMessage, path: string): boolean => {
    if (expectedAuth === null || req.method === 'OPTIONS' || !path.startsWith('/v1')) return true;
    const given = req.headers.authorization;
    if (given === undefined) return false;
    const givenBytes = Buffer.from(given);
    return givenBytes.length === expectedAuth.length && timingSafeEqual(givenBytes, expectedAuth);
  };

  const inference = async (
    req: IncomingMessage,
    res: ServerResponse,
    handler: InferenceHandler,
    signal: AbortSignal,
    markInjected: () => void,
  ): Promise<void> => {
    try {
      const raw = await readBody(req, config.maxBodyBytes);
      const failure = faults.nextFailure();
      if (failure !== null) {
        counters.injectedFailures += 1;
        const reason = STATUS_CODES[failure] ?? 'Error';
        sendError(res, new SimulatorHttpError(failure, `Simulated fault: ${reason}`));
        return;
      }
      const ctx: RequestContext = {
        res,
        signal,
        config,
        latency,
        newId,
        disconnectAfter: faults.disconnectAfter(),
        onBackpressure: () => {
          counters.backpressureWaits += 1;
        },
        onInjectedDisconnect: () => {
          counters.injectedDisconnects += 1;
          markInjected();
        },
      };
      await handler(ctx, parseJsonObject(raw));
    } catch (error) {
      if (res.headersSent || res.destroyed) {
        res.destroy();
      } else if (error instanceof SimulatorHttpError) {
        sendError(res, error);
      } else if (!signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        sendError(res, new SimulatorHttpError(500, `Internal simulator error: ${message}`));
      }
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    counters.total += 1;
    counters.requests[endpointOf(path)] += 1;
    inFlight += 1;
    // Only inference requests run long enough to need cancelling.
    let controller: AbortController | undefined;
    let injected = false;
    res.once('close', () => {
      if (!res.writableFinished) {
        controller?.abort();
        if (!injected) counters.clientAborts += 1;
      }
      inFlight -= 1;
      if (inFlight === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });

    if (!authorized(req, path)) {
      sendJson(res, 401, UNAUTHORIZED_BODY);
      return;
    }
    const handler = INFERENCE.get(path);
    if (handler !== undefined) {
      if (req.method !== 'POST') {
        sendJson(res, 405, METHOD_NOT_ALLOWED_BODY);
        return;
      }
      controller = new AbortController();
      void inference(req, res, handler, controller.signal, () => {
        injected = true;
      });
      return;
    }
    if (!GET_ROUTES.has(path)) {
      sendJson(res, 404, NOT_FOUND_BODY);
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, METHOD_NOT_ALLOWED_BODY);
      return;
    }
    if (path === '/health') {
      // vLLM: 200 with an empty body; 503 once the engine is dead.
      sendJson(res, faults.healthy() ? 200 : 503, '');
    } else if (path === '/version') {
      sendJson(res, 200, versionJson);
    } else {
      sendJson(res, 200, modelsJson);
    }
  };

  return {
    listener,
    setFault: (fault) => faults.set(fault),
    getFault: () => faults.get(),
    setLatency: (next) => {
      latency = resolveLatency(next);
    },
    stats: () => ({ ...counters, requests: { ...counters.requests }, inFlight }),
    resetStats: () => {
      counters = emptyCounters();
    },
    waitForIdle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/** Creates a simulator and listens on `options.host`:`options.port` (default 127.0.0.1, ephemeral). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const { host, port } = resolveOptions(options);
  const simulator = createSimulator(options);
  const server = createServer(simulator.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    ...simulator,
    url: `http://${urlHost}:${bound}`,
    port: bound,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
