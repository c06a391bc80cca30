import { busFromConfig as buildBus, type EventBus } from '@synthcall/event-bus';
import type { Logger } from '@synthcall/logging';
import { createBusMetrics, type Registry } from '@synthcall/metrics';
import type { Config } from '../config.js';

/** Request-reply turns cannot afford kafkajs's default 5 s fetch wait (performance-notes.md). */
const REPLY_FETCH_WAIT_MS = 20;

/** The bus `SYNTHCALL_BUS` names, with the short fetch wait the gateway's request-reply turns need. */
export function busFromConfig(config: Config, logger: Logger, registry: Registry): EventBus {
  return buildBus(config, {
    clientId: 'twiml-gateway',
    metrics: createBusMetrics(registry),
    logger,
    maxWaitTimeInMs: REPLY_FETCH_WAIT_MS,
  });
}
