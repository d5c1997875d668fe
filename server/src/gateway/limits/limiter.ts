import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AppError } from '../../platform/errors.js';
import type { GatewayConfig, PlanLimitsConfig } from '../config-schema.js';
import { LeasedCounter } from './counter.js';
import { deleteExpiredCounters, giveBack, reserve } from './counter-repository.js';
import { rateLimitHeaders } from './headers.js';
import { type PlanLimits, plansOfSubjects, type SubjectType } from './plan-repository.js';
import { StreamSlots } from './streams.js';
import { type LimitMetric, retryAfterSeconds, TOKEN_METRICS } from './windows.js';

/** Who is calling, as app.ts tells the gateway. */
export interface Caller {
  userId: string;
  /** Team id, or `""` when the caller acts for no team. */
  teamId: string;
  apiKeyId?: string | undefined;
}

/** The limits in force for one subject of a call. */
export interface SubjectLimits {
  type: SubjectType;
  id: string;
  /** Counter key, `<type>:<id>`. */
  key: string;
  limits: PlanLimits;
}

/** An admitted call: rate-limit headers to send, and what to do when it ends. */
export interface Admission {
  headers: Record<string, string>;
  /** Counts the call's tokens against every token window (awaited before the last byte). */
  charge(tokens: number): Promise<void>;
  /** Frees the stream slot, if one was taken. */
  release(): void;
}

const fromConfig = (c: PlanLimitsConfig): PlanLimits => ({
  requestsPerMinute: c.requestsPerMinute ?? null,
  tokensPerMinute: c.tokensPerMinute ?? null,
  tokensPerDay: c.tokensPerDay ?? null,
  tokensPerMonth: c.tokensPerMonth ?? null,
  maxConcurrentStreams: c.maxConcurrentStreams ?? null,
  allowedModels: null,
});

const TOKEN_FIELD: Record<(typeof TOKEN_METRICS)[number], keyof PlanLimits> = {
  tokens_minute: 'tokensPerMinute',
  tokens_day: 'tokensPerDay',
  tokens_month: 'tokensPerMonth',
};

/**
 * Rate limits, token budgets and concurrent-stream limits per user, team and API key, from the
 * assigned quota plans (or the configured defaults), enforced across replicas through PostgreSQL.
 */
export class Limiter {
  private readonly counters = new Map<string, LeasedCounter>();
  private readonly plans = new Map<string, { limits: PlanLimits | null; at: number }>();
  private readonly defaults: Record<SubjectType, PlanLimits>;
  private readonly streams: StreamSlots;

  constructor(
    private readonly db: Knex,
    log: Logger,
    private readonly config: GatewayConfig['limits'],
  ) {
    this.defaults = {
      user: fromConfig(config.defaults.user),
      team: fromConfig(config.defaults.team),
      api_key: fromConfig(config.defaults.apiKey),
    };
    this.streams = new StreamSlots(db, log, config.streamLeaseTtlMs);
  }

  /** The limits of the caller's user, team and API key (plan assignments cached for planCacheMs). */
  async limitsFor(caller: Caller): Promise<SubjectLimits[]> {
    const subjects: Array<{ type: SubjectType; id: string }> = [{ type: 'user', id: caller.userId }];
    if (caller.teamId) subjects.push({ type: 'team', id: caller.teamId });
    if (caller.apiKeyId) subjects.push({ type: 'api_key', id: caller.apiKeyId });
    const now = Date.now();
    const stale = subjects.filter((s) => {
      const cached = this.plans.get(`${s.type}:${s.id}`);
      return !cached || now - cached.at >= this.config.planCacheMs;
    });
    if (stale.length > 0) {
      const found = await plansOfSubjects(this.db, stale);
      for (const s of stale) {
        const key = `${s.type}:${s.id}`;
        this.plans.set(key, { limits: found.get(key) ?? null, at: now });
      }
    }
    return subjects.map((s) => {
      const key = `${s.type}:${s.id}`;
      return { ...s, key, limits: this.plans.get(key)?.limits ?? this.defaults[s.type] };
    });
  }

  /** Forgets cached plan assignments (after an admin change on this replica). */
  invalidate(): void {
    this.plans.clear();
  }

  /** Whether every plan in force allows `model` (or its served name). */
  allows(subjects: readonly SubjectLimits[], names: readonly string[]): boolean {
    return subjects.every(
      (s) => s.limits.allowedModels === null || names.some((n) => s.limits.allowedModels?.includes(n)),
    );
  }

  private counter(subject: string, metric: LimitMetric, limit: number): LeasedCounter {
    const key = `${subject}|${metric}`;
    let counter = this.counters.get(key);
    if (!counter) {
      const max = metric === 'requests_minute' ? this.config.maxLeaseRequests : this.config.maxLeaseTokens;
      counter = new LeasedCounter(subject, metric, limit, (r) => reserve(this.db, r), {
        fraction: this.config.leaseFraction,
        max,
        recheckMs: this.config.exhaustedRecheckMs,
      });
      this.counters.set(key, counter);
    }
    counter.limit = limit;
    return counter;
  }

  /**
   * Admits a call or throws 429: RATE_LIMITED (requests or tokens per minute, concurrent streams) or
   * QUOTA_EXCEEDED (daily or monthly token budget), with `Retry-After` and `x-ratelimit-*` headers.
   */
  async admit(subjects: readonly SubjectLimits[], stream: boolean): Promise<Admission> {
    const taken: Array<{ counter: LeasedCounter; windowStart: number }> = [];
    const refund = () => {
      for (const t of taken) t.counter.refund(1, t.windowStart);
    };
    const requestCounters: LeasedCounter[] = [];
    for (const s of subjects) {
      if (s.limits.requestsPerMinute === null) continue;
      const counter = this.counter(s.key, 'requests_minute', s.limits.requestsPerMinute);
      const windowStart = counter.windowStart;
      if (!(await counter.acquire(1, true))) {
        refund();
        throw this.refusal(
          'RATE_LIMITED',
          `Rate limit of ${counter.limit} requests per minute reached.`,
          counter,
          [counter],
        );
      }
      taken.push({ counter, windowStart });
      requestCounters.push(counter);
    }
    const tokenCounters: LeasedCounter[] = [];
    for (const s of subjects) {
      for (const metric of TOKEN_METRICS) {
        const limit = s.limits[TOKEN_FIELD[metric]] as number | null;
        if (limit === null) continue;
        const counter = this.counter(s.key, metric, limit);
        if (!(await counter.acquire(1, false))) {
          refund();
          const perMinute = metric === 'tokens_minute';
          const period = perMinute ? 'minute' : metric === 'tokens_day' ? 'day' : 'month';
          throw this.refusal(
            perMinute ? 'RATE_LIMITED' : 'QUOTA_EXCEEDED',
            `The limit of ${limit} tokens per ${period} is reached.`,
            counter,
            [...requestCounters, counter],
          );
        }
        tokenCounters.push(counter);
      }
    }
    let release = () => {};
    const streamLimits = subjects.flatMap((s) =>
      stream && s.limits.maxConcurrentStreams !== null
        ? [{ subject: s.key, limit: s.limits.maxConcurrentStreams }]
        : [],
    );
    if (streamLimits.length > 0) {
      const slot = await this.streams.acquire(streamLimits);
      if (!slot.ok) {
        refund();
        throw new AppError(
          'RATE_LIMITED',
          `The limit of ${slot.limit} concurrent streams is reached.`,
          undefined,
          {
            'retry-after': '1',
            ...rateLimitHeaders([...requestCounters, ...tokenCounters]),
          },
        );
      }
      release = slot.release;
    }
    return {
      headers: rateLimitHeaders([...requestCounters, ...tokenCounters]),
      charge: async (tokens) => {
        if (tokens > 0) await Promise.all(tokenCounters.map((c) => c.charge(tokens)));
      },
      release,
    };
  }

  private refusal(
    code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED',
    message: string,
    exhausted: LeasedCounter,
    shown: LeasedCounter[],
  ): AppError {
    return new AppError(code, message, undefined, {
      'retry-after': retryAfterSeconds(exhausted.resetInMs()),
      ...rateLimitHeaders(shown),
    });
  }

  /** Periodic housekeeping: renew stream slots, forget idle counters, delete old windows. */
  async maintain(): Promise<void> {
    await this.streams.renew();
    for (const [key, counter] of this.counters) if (counter.idle()) this.counters.delete(key);
    await deleteExpiredCounters(this.db);
  }

  /** Gives unused reservations back so other replicas can use them (shutdown). */
  async close(): Promise<void> {
    const returns: Promise<void>[] = [];
    for (const counter of this.counters.values()) {
      const unused = counter.takeUnused();
      if (unused)
        returns.push(giveBack(this.db, counter.subject, counter.metric, unused.windowStart, unused.amount));
    }
    await Promise.allSettled(returns);
    await this.streams.close();
  }
}
