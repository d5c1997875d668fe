import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';

export interface HttpServerOptions {
  host: string;
  port: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
}

/** A listening HTTP server that knows how many requests are in flight, for a clean drain. */
export class HttpServer {
  private inFlight = 0;
  readonly server: Server;

  constructor(app: Express, options: HttpServerOptions) {
    this.server = createServer(app);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.headersTimeout = options.headersTimeoutMs;
    // Streams may legitimately run for minutes; per-route timeouts bound them instead.
    this.server.requestTimeout = 0;
    this.server.on('request', (_req, res) => {
      this.inFlight++;
      res.once('close', () => {
        this.inFlight--;
      });
    });
  }

  get activeRequests(): number {
    return this.inFlight;
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections, lets in-flight requests (streams included) finish for up to
   * `timeoutMs`, then cuts whatever is left. Resolves true when everything finished in time.
   */
  async drain(timeoutMs: number, log: Logger): Promise<boolean> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      this.server.closeIdleConnections();
      await sleep(50);
    }
    const clean = this.inFlight === 0;
    if (!clean)
      log.warn({ inFlight: this.inFlight, timeoutMs }, 'drain timeout: closing remaining connections');
    this.server.closeAllConnections();
    await closed;
    return clean;
  }
}
