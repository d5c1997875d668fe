/**
 * Runtime fault injection. Failures are spread deterministically (error diffusion)
 * rather than drawn at random, so a test asking for a 50 % failure rate always sees
 * every second inference request fail.
 */
import { type SimulatorFault, validateFault } from './types.js';

/** Mutable fault state of one simulator. */
export class FaultInjector {
  private fault: SimulatorFault;
  private credit = 0;

  constructor(initial: SimulatorFault) {
    this.fault = validateFault(initial);
  }

  /** Replaces the whole fault description (an empty object clears every fault). */
  set(fault: SimulatorFault): void {
    this.fault = validateFault(fault);
    this.credit = 0;
  }

  /** A copy of the current fault description. */
  get(): SimulatorFault {
    return { ...this.fault };
  }

  /** Whether `GET /health` should report the engine as healthy. */
  healthy(): boolean {
    return this.fault.healthy !== false;
  }

  /** Status to fail the next inference request with, or null to serve it. */
  nextFailure(): number | null {
    const rate = this.fault.failRate ?? 0;
    if (rate <= 0) return null;
    this.credit += rate;
    // The epsilon absorbs float drift so that e.g. 0.1 fails exactly every 10th request.
    if (this.credit < 1 - 1e-9) return null;
    this.credit -= 1;
    return this.fault.status ?? 503;
  }

  /** Events after which streams are cut, or undefined when connections are not dropped. */
  disconnectAfter(): number | undefined {
    return this.fault.disconnectAfterChunks;
  }
}
