import { readPackageVersion, runService } from '@synthcall/ops-server';
import { busFromConfig } from './adapters/event-bus.js';
import { createApp } from './app.js';
import { loadTwimlGatewayConfig } from './config.js';

await runService({
  service: 'twiml-gateway',
  version: readPackageVersion(import.meta.url),
  loadConfig: () => loadTwimlGatewayConfig(),
  createApp: async (context) => {
    const { config, logger } = context;
    const app = await createApp({
      ...context,
      bus: busFromConfig(config, logger, context.registry),
      ownsBus: true,
    });
    const { address, port } = await app.listen(config.PORT, config.HTTP_HOST);
    logger.info({ host: address, port, publicUrl: config.GATEWAY_PUBLIC_URL }, 'webhook server listening');
    return app;
  },
});
