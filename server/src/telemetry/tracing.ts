import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config/index.js';
import { BUILD } from '../platform/build-info.js';

/** Stops tracing, flushing spans still buffered. */
export type StopTracing = () => Promise<void>;

/**
 * Starts OpenTelemetry tracing (HTTP, Express and PostgreSQL spans) exported over OTLP/HTTP. It must
 * run before express, pg or http are imported: the CLI loads it first and imports the server after.
 * Without an endpoint it does nothing at all.
 */
export function startTracing(telemetry: Config['telemetry']): StopTracing {
  const endpoint = telemetry.otlp.endpoint;
  if (!endpoint) return async () => {};
  // ESM modules are only patchable through the loader hook (import-in-the-middle).
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: telemetry.serviceName,
      [ATTR_SERVICE_VERSION]: BUILD.version,
    }),
    traceExporter: new OTLPTraceExporter({
      url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
      headers: { ...telemetry.otlp.headers },
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(telemetry.sampleRatio) }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url === '/livez' || req.url === '/readyz',
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
