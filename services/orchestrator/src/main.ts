import { hostname } from 'node:os';
import { busFromConfig } from '@synthcall/event-bus';
import { createBusMetrics } from '@synthcall/metrics';
import { readPackageVersion, runService } from '@synthcall/ops-server';
import { loadPersonas } from '@synthcall/personas';
import { ConfluentSchemaRegistry, EventCodec, TOPICS } from '@synthcall/schemas';
import { KafkaCallBudget } from './adapters/kafka-call-budget.js';
import { MemoryCallBudget } from './adapters/memory-call-budget.js';
import { TwilioTelephony } from './adapters/twilio-telephony.js';
import { createApp } from './app.js';
import { loadOrchestratorConfig } from './config.js';
import type { CallBudget } from './domain/ports.js';
import { orchestratorMetrics } from './metrics.js';

await runService({
  service: 'orchestrator',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadOrchestratorConfig(),
  createApp: async (context) => {
    const { config, logger, registry } = context;
    const instanceId = config.ORCHESTRATOR_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    // Fails start-up with a message naming the file, entry and field.
    const personas = await loadPersonas({
      ...(config.PERSONAS_CUSTOMERS_FILE ? { customersFile: config.PERSONAS_CUSTOMERS_FILE } : {}),
      ...(config.PERSONAS_AGENTS_FILE ? { agentsFile: config.PERSONAS_AGENTS_FILE } : {}),
    });
    const bus = busFromConfig(config, {
      clientId: 'orchestrator',
      metrics: createBusMetrics(registry),
      logger,
    });
    // The daily budget is a compacted Kafka topic beside the bus (its own client), or a counter on the memory bus.
    const budget: CallBudget =
      config.SYNTHCALL_BUS === 'kafka'
        ? new KafkaCallBudget({
            brokers: config.KAFKA_BROKERS ?? [],
            clientId: `${config.KAFKA_CLIENT_ID ?? 'orchestrator'}-budget`,
            codec: new EventCodec(new ConfluentSchemaRegistry({ url: config.SCHEMA_REGISTRY_URL ?? '' })),
            topic: TOPICS.callBudget,
            maxDailyCalls: config.MAX_DAILY_CALLS,
            instanceId,
            logger,
          })
        : new MemoryCallBudget(config.MAX_DAILY_CALLS);
    const telephony = new TwilioTelephony({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      timeoutMs: config.TWILIO_TIMEOUT,
      metrics: orchestratorMetrics(registry),
    });
    const app = createApp({ ...context, bus, ownsBus: true, personas, telephony, budget, instanceId });
    await app.orchestrator.start();
    logger.info(
      { instanceId, customers: personas.customers.length, agents: personas.agents.length },
      'orchestrator consuming call requests',
    );
    return app;
  },
});
