import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventBus } from '@synthcall/event-bus';
import type { Logger } from '@synthcall/logging';
import type { Registry } from '@synthcall/metrics';
import { createOpsServer, type ServiceApp, type ShutdownStep } from '@synthcall/ops-server';
import type { Config } from './config.js';
import { createGateway, type Gateway, type GatewayTopics } from './gateway.js';
import type { CallRecords } from './reconciler.js';
import type { VoiceIntelligence } from './voice-intelligence.js';

export { TwilioCallRecords } from './adapters/twilio-call-records.js';
export { CallBook } from './call-book.js';
export {
  type Config,
  checkReplyWait,
  configSchema,
  gatherTimeoutSec,
  loadTwimlGatewayConfig,
  replyTimeoutFor,
} from './config.js';
export { FALLBACK_WORDINGS } from './domain/turns.js';
export {
  createGateway,
  DEFAULT_TOPICS,
  type Gateway,
  type GatewayConfig,
  type GatewayDeps,
  type GatewayTopics,
  WEBHOOK_PATHS,
} from './gateway.js';
export { type CallRecords, Reconciler } from './reconciler.js';
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
  const server = createServer(gateway.handler);
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
    // Parked webhooks answer now (a redirect to the wait route, which another replica will serve).
    { name: 'release held webhooks', run: () => gateway.releaseHeldWebhooks(), timeoutMs: 1_000 },
    { name: 'close webhook server', run: () => closeServer(server), timeoutMs: 5_000 },
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
        server.listen({ port, host, reusePort: options.reusePort ?? false }, () => {
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
