/**
 * Command-line options of the standalone simulator (`main.ts`), named like vLLM's
 * `vllm serve` flags where one exists (`--port`, `--host`, `--api-key`, `--max-model-len`).
 */
import { parseArgs } from 'node:util';
import type { SimulatorErrorFormat, SimulatorOptions } from './types.js';

/** Usage text printed by `--help`. */
export const USAGE = `Usage: simulator [options]

Runs a vLLM-compatible OpenAI API simulator and prints its base URL.

Options:
  --host <host>                  address to bind (default 127.0.0.1)
  --port <port>                  port to listen on, 0 for any free port (default 8000)
  --models <a,b>                 served model names (default ai-la/sim-coder-7b)
  --api-key <key>                require "Authorization: Bearer <key>" on /v1
  --first-token-ms <ms>          delay before the first token (default 0)
  --inter-token-ms <ms>          delay between streamed chunks (default 0)
  --tokens-per-chunk <n>         tokens per streamed chunk (default 1)
  --max-model-len <n>            context window in tokens (default 32768)
  --embedding-dimensions <n>     length of embedding vectors (default 384)
  --error-format <flat|nested>   vLLM error body before/after 0.10.1 (default flat)
  -h, --help                     print this help
`;

/** Parsed command line: simulator options, or a request for help. */
export type SimulatorCommand = { help: true } | { help: false; options: SimulatorOptions };

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new TypeError(`--${name} must be a number`);
  return parsed;
}

/** Parses `argv` (without the node and script paths); throws `TypeError` on bad input. */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorCommand {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      models: { type: 'string' },
      'api-key': { type: 'string' },
      'first-token-ms': { type: 'string' },
      'inter-token-ms': { type: 'string' },
      'tokens-per-chunk': { type: 'string' },
      'max-model-len': { type: 'string' },
      'embedding-dimensions': { type: 'string' },
      'error-format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return { help: true };
  const errorFormat = values['error-format'];
  if (errorFormat !== undefined && errorFormat !== 'flat' && errorFormat !== 'nested') {
    throw new TypeError('--error-format must be flat or nested');
  }
  const options: SimulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port: number('port', values.port) ?? 8000,
    latency: {
      firstTokenMs: number('first-token-ms', values['first-token-ms']) ?? 0,
      interTokenMs: number('inter-token-ms', values['inter-token-ms']) ?? 0,
    },
  };
  if (values.models !== undefined) {
    options.models = values.models
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m.length > 0);
  }
  if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
  const tokensPerChunk = number('tokens-per-chunk', values['tokens-per-chunk']);
  if (tokensPerChunk !== undefined) options.tokensPerChunk = tokensPerChunk;
  const maxModelLen = number('max-model-len', values['max-model-len']);
  if (maxModelLen !== undefined) options.maxModelLen = maxModelLen;
  const dimensions = number('embedding-dimensions', values['embedding-dimensions']);
  if (dimensions !== undefined) options.embeddingDimensions = dimensions;
  if (errorFormat !== undefined) options.errorFormat = errorFormat as SimulatorErrorFormat;
  return { help: false, options };
}
