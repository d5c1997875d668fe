import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { LeanRoutes } from './lean-routes.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
}

/** A listening HTTP server that knows how many requests are in flight, for a clean drain. */
export class HttpServer {
  private inFlight = 0;
  /** Open connections and how many requests each is serving; idle ones are closed on drain. */
  private readonly sockets = new Map<Socket, number>();
  private draining = false;
  readonly server: Server;

  constructor(app: Express, options: HttpServerOptions, lean?: LeanRoutes) {
    this.server = createServer(lean ? (req, res) => lean.serve(req, res) || app(req, res) : app);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.headersTimeout = options.headersTimeoutMs;
    // Streams may legitimately run for minutes; per-route timeouts bound them instead.
    this.server.requestTimeout = 0;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, 0);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('request', (req, res) => {
      const socket = req.socket;
      this.inFlight++;
      this.sockets.set(socket, (this.sockets.get(socket) ?? 0) + 1);
      res.once('close', () => {
        this.inFlight--;
        const left = (this.sockets.get(socket) ?? 1) - 1;
        this.sockets.set(socket, left);
        if (this.draining && left === 0) socket.destroySoon();
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
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive connections with no request in progress are closed now; busy ones when they finish.
    for (const [socket, active] of this.sockets) if (active === 0) socket.destroySoon();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(50);
    const clean = this.inFlight === 0;
    if (!clean)
      log.warn({ inFlight: this.inFlight, timeoutMs }, 'drain timeout: closing remaining connections');
    for (const socket of this.sockets.keys()) socket.destroy();
    await closed;
    return clean;
  }
}
