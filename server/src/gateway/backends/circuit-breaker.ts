/** State of a circuit breaker as shown in the admin API. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * Passive health of one replica (the circuit breaker pattern): `threshold` consecutive failed
 * requests open the circuit; after `openMs` one trial request is let through (half-open), and its
 * outcome closes the circuit or opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.openMs ? 'half_open' : 'open';
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a request may be sent now. */
  canPass(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half_open' && !this.trialInFlight);
  }

  /** A request is being sent; in half-open state it is the one trial. */
  onAttempt(): void {
    if (this.state === 'half_open') this.trialInFlight = true;
  }

  /** The request succeeded: the circuit closes. */
  onSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  /** The request failed (connect error, timeout, 5xx): count it; open when over the threshold. */
  onFailure(): void {
    this.failures += 1;
    const state = this.state;
    if (state === 'half_open' || (state === 'closed' && this.failures >= this.threshold)) {
      this.openedAt = this.now();
    }
    this.trialInFlight = false;
  }

  /** The request ended without saying anything about the replica (client cancelled, 4xx). */
  onNeutral(): void {
    this.trialInFlight = false;
  }
}
