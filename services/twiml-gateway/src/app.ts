import { createServer, type Server } from 'node:http';
import Net, { type AddressInfo } from 'node:net';
import type { EventBus } from '@synthcall/event-bus';
import type { Logger } from '@synthcall/logging';
import type { Registry } from '@synthcall/metrics';
import { createOpsServer, type ServiceApp, type ShutdownStep } from '@synthcall/ops-server';
import type { Config } from './config.js';
import { createGateway, type Gateway, type GatewayTopics } from './gateway.js';
import type { CallRecords } from './reconciler.js';
import type { VoiceIntelligence } from './voice-intelligence.js';

// The package's face (issue 13): createApp, its config (with the reply wait derived from the engine's line timing),
// its ports, the Voice Intelligence adapter a composer points at the sim, and the webhook paths a Twilio application
// must name (its HTTP interface). Tests' needs are in `./testing`.
export { type Config, checkReplyWait, loadTwimlGatewayConfig, replyTimeoutFor } from './config.js';
export { WEBHOOK_PATHS } from './gateway.js';
export type { CallRecords } from './reconciler.js';
export { TwilioVoiceIntelligence, type VoiceIntelligence } from './voice-intelligence.js';

/** Everything the twiml-gateway gets from outside. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  bus: EventBus;
  /** The app closes the bus on shutdown when it owns it (main.ts); an embedded runner keeps its shared bus. */
  ownsBus?: boolean;
  now?: () => number;
  instanceId?: string;
  topics?: GatewayTopics;
  intelligence?: VoiceIntelligence;
  /** Twilio's REST API for reconciling calls whose callbacks were lost (`reconciler.ts`). */
  callRecords?: CallRecords;
}

export interface TwimlGatewayApp extends ServiceApp {
  gateway: Gateway;
  /** The webhook server, built but not listening. */
  server: Server;
  /**
   * Listens for webhooks (port 0 picks a free one). `reusePort` lets other replicas on this machine listen on the
   * same port (SO_REUSEPORT, Linux): the kernel spreads new connections over them.
   */
  listen(port: number, host?: string, options?: { reusePort?: boolean }): Promise<AddressInfo>;
}

/** Builds the twiml-gateway and subscribes it to the bus; listens on nothing (`main.ts` does that). */
export async function createApp(deps: AppDeps): Promise<TwimlGatewayApp> {
  const gateway = await createGateway(deps);
  // Set once a replica that shares its port with a successor stops accepting: each answer then ends its connection,
  // so Twilio's next request opens a new one, which only the successor accepts.
  let handingOver = false;
  let sharedPort = false;
  const server = createServer((req, res) => {
    if (handingOver) res.setHeader('connection', 'close');
    gateway.handler(req, res);
  });
  // A held webhook lasts up to REPLY_HOLD_MS; Twilio keeps connections alive between turns.
  server.keepAliveTimeout = 30_000;
  const ops = createOpsServer({
    registry: deps.registry,
    logger: deps.logger,
    checks: {
      consumers: () => gateway.ready(),
      webhooks: () => server.listening,
    },
  });

  const shutdownSteps: ShutdownStep[] = [
    {
      name: 'stop accepting webhooks',
      run: () => {
        if (!sharedPort) return;
        handingOver = true;
        stopAccepting(server);
      },
      timeoutMs: 1_000,
    },
    // Parked webhooks answer now (a redirect to the wait route, which another replica will serve).
    { name: 'release held webhooks', run: () => gateway.releaseHeldWebhooks(), timeoutMs: 1_000 },
    {
      name: 'close webhook server',
      run: () => (sharedPort ? drainConnections(server) : closeServer(server)),
      timeoutMs: sharedPort ? server.keepAliveTimeout + 5_000 : 5_000,
    },
    { name: 'close consumers', run: () => gateway.close(), timeoutMs: 10_000 },
  ];
  if (deps.ownsBus) shutdownSteps.push({ name: 'close event bus', run: () => deps.bus.close() });

  return {
    ops,
    shutdownSteps,
    gateway,
    server,
    listen: (port, host = '127.0.0.1', options = {}) =>
      new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        sharedPort = options.reusePort ?? false;
        server.listen({ port, host, reusePort: sharedPort }, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
  };
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/**
 * Stops accepting connections but, unlike `http.Server.close` (which also closes idle keep-alive connections since
 * Node 19), leaves open the ones Twilio holds: closing an idle connection races with a request Twilio is sending on
 * it, which then fails and ends the call with Twilio's application error.
 */
function stopAccepting(server: Server): void {
  if (server.listening) Net.Server.prototype.close.call(server);
}

/**
 * Resolves once every webhook connection has ended: each answer closes its connection (`handingOver`), and an idle
 * one ends when the client drops it, which it does before the server's keep-alive timeout it was told of; the server
 * closes what is left at that timeout.
 */
function drainConnections(server: Server): Promise<void> {
  const deadline = Date.now() + server.keepAliveTimeout + 1_000;
  return new Promise((resolve) => {
    const done = () => {
      // http.Server's own close also stops its request-timeout timer; the listener is already closed.
      server.close(() => resolve());
    };
    const check = () => {
      server.getConnections((err, count) => {
        if (err || count === 0) return done();
        if (Date.now() < deadline) return void setTimeout(check, 250);
        server.closeAllConnections();
        done();
      });
    };
    check();
  });
}
