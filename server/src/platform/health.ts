import { Router } from 'express';

export type HealthCheck = () => Promise<void>;

interface CheckResult {
  status: 'ok' | 'failing';
  ms: number;
  error?: string;
}

/**
 * Liveness and readiness. Modules register readiness checks (database now; Vault and model backends
 * when they exist). A check that throws, or takes longer than the timeout, makes /readyz answer 503.
 */
export class Health {
  private readonly checks = new Map<string, HealthCheck>();
  private draining = false;

  constructor(private readonly timeoutMs = 2000) {}

  /** Adds a readiness check under a unique name. */
  register(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check ${name} is already registered`);
    this.checks.set(name, check);
  }

  /** From now on /readyz answers 503 so load balancers stop sending new requests. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { status: 'ok', ms: Math.round(performance.now() - started) };
    } catch (err) {
      return {
        status: 'failing',
        ms: Math.round(performance.now() - started),
        error: (err as Error).message,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs every check concurrently. */
  async readiness(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const names = [...this.checks.keys()];
    const results = await Promise.all([...this.checks.values()].map((c) => this.run(c)));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i] as CheckResult]));
    return { ready: !this.draining && results.every((r) => r.status === 'ok'), checks };
  }

  /** `GET /livez` and `GET /readyz`, unauthenticated, for Kubernetes probes. */
  router(): Router {
    const router = Router();
    router.get('/livez', (_req, res) => {
      res.json({ status: 'ok' });
    });
    router.get('/readyz', async (_req, res) => {
      const { ready, checks } = await this.readiness();
      const status = this.draining ? 'draining' : ready ? 'ready' : 'not_ready';
      res.status(ready ? 200 : 503).json({ status, checks });
    });
    return router;
  }
}
