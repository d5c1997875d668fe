/**
 * Error bodies in vLLM's shapes. vLLM's `create_error_response` builds
 * `ErrorResponse(message, type, code)`; before 0.10.1 it is flat
 * (`{object:"error", message, type, param, code}`), from 0.10.1 nested under `error`
 * (vllm-project/vllm#22099). Routing errors come from FastAPI (`{detail}`), and a bad API
 * key from vLLM's auth middleware (`{error:"Unauthorized"}`).
 */
import { STATUS_CODES } from 'node:http';
import type { SimulatorErrorFormat } from './types.js';

/** An error the simulator answers with a vLLM error body. */
export class SimulatorHttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** vLLM error type, e.g. `BadRequestError`. */
  readonly type: string;

  constructor(status: number, message: string, type: string = errorType(status)) {
    super(message);
    this.name = 'SimulatorHttpError';
    this.status = status;
    this.type = type;
  }
}

/**
 * The vLLM error type for a status, from its reason phrase:
 * 400 → BadRequestError, 404 → NotFoundError, 503 → ServiceUnavailableError.
 */
export function errorType(status: number): string {
  const words = (STATUS_CODES[status] ?? 'Unknown Error').replace(/[^A-Za-z ]/g, '').split(' ');
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
  return name.endsWith('Error') ? name : `${name}Error`;
}

/** Shorthand for a 400 `BadRequestError`. */
export function badRequest(message: string): SimulatorHttpError {
  return new SimulatorHttpError(400, message, 'BadRequestError');
}

/** Serialises an error in the configured vLLM shape. */
export function errorBody(
  format: SimulatorErrorFormat,
  status: number,
  message: string,
  type: string,
): string {
  const info = { message, type, param: null, code: status };
  return JSON.stringify(format === 'flat' ? { object: 'error', ...info } : { error: info });
}

/** vLLM's auth middleware body for a missing or wrong bearer token. */
export const UNAUTHORIZED_BODY = '{"error":"Unauthorized"}';
/** FastAPI's body for an unknown route. */
export const NOT_FOUND_BODY = '{"detail":"Not Found"}';
/** FastAPI's body for a known route with the wrong method. */
export const METHOD_NOT_ALLOWED_BODY = '{"detail":"Method Not Allowed"}';
