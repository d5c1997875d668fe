import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSimulatorArgs } from './cli-args.js';

describe('parseSimulatorArgs', () => {
  test('defaults like vllm serve: 127.0.0.1:8000 without latency', () => {
    assert.deepEqual(parseSimulatorArgs([]), {
      help: false,
      options: { host: '127.0.0.1', port: 8000, latency: { firstTokenMs: 0, interTokenMs: 0 } },
    });
  });

  test('reads every option', () => {
    const command = parseSimulatorArgs([
      '--host=0.0.0.0',
      '--port',
      '0',
      '--models',
      'a/b, c/d',
      '--first-token-ms',
      '20',
      '--inter-token-ms',
      '2.5',
      '--tokens-per-chunk',
      '4',
      '--api-key',
      'k',
      '--max-model-len',
      '4096',
      '--embedding-dimensions',
      '16',
      '--error-format',
      'nested',
    ]);
    assert.deepEqual(command, {
      help: false,
      options: {
        host: '0.0.0.0',
        port: 0,
        models: ['a/b', 'c/d'],
        latency: { firstTokenMs: 20, interTokenMs: 2.5 },
        tokensPerChunk: 4,
        apiKey: 'k',
        maxModelLen: 4096,
        embeddingDimensions: 16,
        errorFormat: 'nested',
      },
    });
  });

  test('asks for help and rejects bad input', () => {
    assert.deepEqual(parseSimulatorArgs(['-h']), { help: true });
    assert.throws(() => parseSimulatorArgs(['--port', 'abc']), /--port must be a number/);
    assert.throws(() => parseSimulatorArgs(['--error-format', 'xml']), /--error-format/);
    assert.throws(() => parseSimulatorArgs(['--unknown']));
  });
});
