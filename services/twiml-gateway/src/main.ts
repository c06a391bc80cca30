import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createTwilioClient } from '@synthcall/twilio-client';
import { busFromConfig } from './adapters/event-bus.js';
import { TwilioCallRecords } from './adapters/twilio-call-records.js';
import { createApp } from './app.js';
import { loadTwimlGatewayConfig } from './config.js';
import { TwilioVoiceIntelligence } from './voice-intelligence.js';

await runService({
  service: 'twiml-gateway',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadTwimlGatewayConfig(),
  createApp: async (context) => {
    const { config, logger } = context;
    // With an account SID the gateway reads Twilio's REST API: reconciliation, and Voice Intelligence when configured.
    const client = config.TWILIO_ACCOUNT_SID
      ? createTwilioClient({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
          timeoutMs: 10_000,
        })
      : undefined;
    const intelligence =
      client && config.VOICE_INTELLIGENCE_SERVICE_SID
        ? new TwilioVoiceIntelligence(client, config.VOICE_INTELLIGENCE_SERVICE_SID)
        : undefined;
    if (!client)
      logger.warn('TWILIO_ACCOUNT_SID not set: calls whose status callbacks are lost are not reconciled');
    const app = await createApp({
      ...context,
      bus: busFromConfig(config, logger, context.registry),
      ownsBus: true,
      ...(intelligence ? { intelligence } : {}),
      ...(client ? { callRecords: new TwilioCallRecords(client) } : {}),
    });
    const { address, port } = await app.listen(config.PORT, config.HTTP_HOST, {
      reusePort: config.HTTP_REUSE_PORT,
    });
    logger.info({ host: address, port, publicUrl: config.GATEWAY_PUBLIC_URL }, 'webhook server listening');
    return app;
  },
});
