import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '@synthcall/metrics';
import { OpsServerError } from './errors.js';

/** True when the dependency it watches can do its work (bus connected, registry reachable…). May throw. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** The slice of a pino logger the server uses. */
export interface OpsLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface OpsServerOptions {
  registry: Registry;
  checks?: Readonly<Record<string, ReadinessCheck>>;
  logger?: OpsLogger;
  /** A check slower than this counts as failing, so a hung dependency cannot hang the kubelet's probe. */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  /** Not listening yet. */
  readonly server: Server;
  /**
   * Binds (port 0 picks a free port) and resolves with the bound address. `reusePort` lets a successor on this
   * machine bind the same port while this one drains (SO_REUSEPORT, Linux).
   */
  listen(port: number, host?: string, options?: { reusePort?: boolean }): Promise<AddressInfo>;
  /** From now on `/readyz` answers 503 naming `shutdown`, so the load balancer stops sending work. */
  markShuttingDown(): void;
  /** Stops listening and drops idle keep-alive connections. */
  close(): Promise<void>;
}

/** The name `/readyz` reports once `markShuttingDown()` was called. */
export const SHUTDOWN_CHECK = 'shutdown';

interface CheckOutcome {
  name: string;
  ok: boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export function createOpsServer({
  registry,
  checks = {},
  logger,
  checkTimeoutMs = 2_000,
}: OpsServerOptions): OpsServer {
  let shuttingDown = false;

  async function runCheck(name: string, check: ReadinessCheck): Promise<CheckOutcome> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new OpsServerError(
                'SYNTH_READINESS_CHECK_TIMEOUT',
                `readiness check "${name}" took longer than ${checkTimeoutMs} ms`,
              ),
            ),
          checkTimeoutMs,
        );
      });
      const ok = await Promise.race([(async () => check())(), timeout]);
      return { name, ok: ok === true };
    } catch (err) {
      logger?.warn({ check: name, err }, 'readiness check failed');
      return { name, ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  async function readiness(res: ServerResponse): Promise<void> {
    const outcomes = await Promise.all(Object.entries(checks).map(([name, check]) => runCheck(name, check)));
    if (shuttingDown) outcomes.push({ name: SHUTDOWN_CHECK, ok: false });
    const failing = outcomes.filter((o) => !o.ok).map((o) => o.name);
    const summary = Object.fromEntries(outcomes.map((o) => [o.name, o.ok ? 'ok' : 'failing']));
    if (failing.length === 0) sendJson(res, 200, { status: 'ready', checks: summary });
    else sendJson(res, 503, { status: 'not_ready', failing, checks: summary });
  }

  async function metrics(res: ServerResponse): Promise<void> {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
    const route = ({ '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics' } as const)[path];
    if (route === undefined) return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendJson(res, 405, { error: 'method_not_allowed' });
    }
    if (route === 'healthz') return sendJson(res, 200, { status: 'ok' });
    if (route === 'readyz') return readiness(res);
    return metrics(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger?.error({ err, url: req.url }, 'ops request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    });
  });

  return {
    server,
    listen(port, host = '127.0.0.1', options = {}) {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (cause: Error) => {
          reject(
            new OpsServerError('SYNTH_OPS_LISTEN_FAILED', `ops server could not listen on ${host}:${port}`, {
              cause,
            }),
          );
        };
        server.once('error', onError);
        server.listen({ port, host, reusePort: options.reusePort ?? false }, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    markShuttingDown() {
      shuttingDown = true;
    },
    close() {
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * Waits until another process on this machine answers `/readyz` with 200 on the ops port this one shares with it
 * (`reusePort`): the successor of a rolling restart on the node's network. Call it after `markShuttingDown()`, so
 * this process answers 503 and any 200 is the successor's. Each probe opens its own connection, which the kernel
 * may hand to either process. Resolves true once one answered ready, false when `timeoutMs` passed first.
 */
export async function waitForSuccessor({
  host,
  port,
  timeoutMs,
  intervalMs = 500,
  now = Date.now,
}: {
  host: string;
  port: number;
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
}): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (await answersReady(host, port, Math.min(2_000, Math.max(1, deadline - now())))) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - now()))));
  }
  return false;
}

function answersReady(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/readyz', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
