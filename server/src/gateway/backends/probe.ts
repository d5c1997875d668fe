import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Backend } from './backend.js';

const MAX_PROBE_BODY = 4 * 1024 * 1024;

/** GETs `path` on a replica within `timeoutMs`; resolves with status and body, rejects on failure. */
export function probeGet(
  backend: Backend,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const url = backend.urlOf(path);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (backend.config.apiKey) headers.authorization = `Bearer ${backend.config.apiKey}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: backend.probeAgent, headers });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_PROBE_BODY) req.destroy(new Error('probe answer too large'));
        else chunks.push(chunk);
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end();
  });
}

/** Parses an OpenAI `GET /v1/models` list into model id -> created (Unix seconds). */
export function parseModelList(body: string): Map<string, number> {
  const parsed: unknown = JSON.parse(body);
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error('GET /v1/models answered without a data list');
  const models = new Map<string, number>();
  for (const entry of data) {
    const { id, created } = (entry ?? {}) as { id?: unknown; created?: unknown };
    if (typeof id === 'string' && id.length > 0) models.set(id, typeof created === 'number' ? created : 0);
  }
  return models;
}

/**
 * One active health check of a vLLM replica: `GET /health` (200 while the engine is alive) and
 * `GET /v1/models` (the served model names), as documented for vLLM's OpenAI-compatible server
 * (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). Throws on failure.
 */
export async function checkReplica(backend: Backend, timeoutMs: number): Promise<Map<string, number>> {
  const [health, models] = await Promise.all([
    probeGet(backend, '/health', timeoutMs),
    probeGet(backend, '/v1/models', timeoutMs),
  ]);
  if (health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
  if (models.status !== 200) throw new Error(`GET /v1/models answered ${models.status}`);
  return parseModelList(models.body);
}
