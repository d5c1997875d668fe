import { randomUUID } from 'node:crypto';
import type { OperationInput } from '../../src/evidence/index.js';

/** A completed gateway operation with fresh ids (tests and fixtures). */
export function buildOperation(overrides: Partial<OperationInput> = {}): OperationInput {
  return {
    op: 'chat_completions',
    requestId: randomUUID(),
    subject: randomUUID(),
    team: '',
    model: 'llama-3.1-8b-instruct',
    backend: 'vllm-0',
    promptTokens: 12,
    completionTokens: 34,
    status: 'ok',
    inputHash: Buffer.alloc(32, 1),
    outputHash: Buffer.alloc(32, 2),
    ...overrides,
  };
}
