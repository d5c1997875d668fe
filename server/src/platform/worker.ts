/**
 * Starts a worker thread from a module beside the caller: the built `.js` file, or under tsx
 * (development, tests) the `.ts` source, with tsx's loader registered inside the worker first
 * (Node 20 workers do not inherit the parent's loader hooks).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * @param callerUrl the caller's `import.meta.url`
 * @param name the worker module's file name without extension, in the caller's directory
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, options);
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(entry, { ...options, eval: true });
}
