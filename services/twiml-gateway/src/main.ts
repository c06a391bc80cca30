import { readPackageVersion, runService } from '@synthcall/ops-server';
import { createTwilioClient } from '@synthcall/twilio-client';
import { busFromConfig } from './adapters/event-bus.js';
import { createApp } from './app.js';
import { loadTwimlGatewayConfig } from './config.js';
import { TwilioVoiceIntelligence } from './voice-intelligence.js';

await runService({
  service: 'twiml-gateway',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadTwimlGatewayConfig(),
  createApp: async (context) => {
    const { config, logger } = context;
    const intelligence =
      config.VOICE_INTELLIGENCE_SERVICE_SID && config.TWILIO_ACCOUNT_SID
        ? new TwilioVoiceIntelligence(
            createTwilioClient({
              accountSid: config.TWILIO_ACCOUNT_SID,
              authToken: config.TWILIO_AUTH_TOKEN,
              apiBaseUrl: config.TWILIO_API_BASE_URL,
              timeoutMs: 10_000,
            }),
            config.VOICE_INTELLIGENCE_SERVICE_SID,
          )
        : undefined;
    const app = await createApp({
      ...context,
      bus: busFromConfig(config, logger, context.registry),
      ownsBus: true,
      ...(intelligence ? { intelligence } : {}),
    });
    const { address, port } = await app.listen(config.PORT, config.HTTP_HOST);
    logger.info({ host: address, port, publicUrl: config.GATEWAY_PUBLIC_URL }, 'webhook server listening');
    return app;
  },
});
