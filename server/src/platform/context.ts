import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** What every log line and audit event of a request needs to know, carried without parameters. */
export interface RequestContext {
  requestId: string;
  traceId?: string;
  log: Logger;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context. */
export const runWithContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);

/** The current request's context, if any. */
export const currentContext = (): RequestContext | undefined => storage.getStore();
