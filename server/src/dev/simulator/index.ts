/**
 * vLLM-compatible OpenAI API simulator: the model backend of `aila dev`, of gateway
 * tests and of throughput benchmarks.
 *
 * @example
 * const sim = await startSimulator({ models: ['ai-la/sim-coder-7b'] });
 * const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused' });
 * await sim.close();
 */
export { composeChatAnswer, composeCompletion } from './answer.js';
export { parseSimulatorArgs, type SimulatorCommand, USAGE as SIMULATOR_USAGE } from './cli-args.js';
export { embedText } from './embedding.js';
export { createSimulator, type RunningSimulator, type Simulator, startSimulator } from './server.js';
export { countTokens, splitTokens } from './tokenizer.js';
export {
  DEFAULT_MODELS,
  type SimulatorEndpoint,
  type SimulatorErrorFormat,
  type SimulatorFault,
  type SimulatorLatency,
  type SimulatorOptions,
  type SimulatorStats,
} from './types.js';
