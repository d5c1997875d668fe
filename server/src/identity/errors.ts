import { AppError, type ErrorCode } from '../platform/errors.js';

/**
 * A refused sign-in: the client sees `code`; the audit trail records `reason` (a stable, lowercase
 * word such as `state_unknown` or `nonce_mismatch`) and, when known, the user.
 */
export class LoginFailure extends AppError {
  constructor(
    code: ErrorCode,
    readonly reason: string,
    readonly userId?: string,
    message?: string,
  ) {
    super(code, message, { reason });
    this.name = 'LoginFailure';
  }
}
