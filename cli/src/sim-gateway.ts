import { createTwilioClient, type InProcessTwilio } from '@synthcall/twilio-client';
import { WEBHOOK_PATHS } from '@synthcall/twiml-gateway';

/**
 * Points twilio-sim at a gateway, through the official SDK as an operator would configure Twilio: a TwiML app whose
 * voice URL is the gateway (both legs of every call dial `app:AP…`), and a Voice Intelligence service whose
 * transcript-available webhook is the gateway.
 */
export async function connectSimToGateway(o: {
  simUrl: string;
  accountSid: string;
  authToken: string;
  gatewayUrl: string;
  name: string;
  /** The sim in this process, reached without a socket. */
  inProcess?: InProcessTwilio | undefined;
}): Promise<{ appSid: string; intelligenceServiceSid: string }> {
  const client = createTwilioClient({
    accountSid: o.accountSid,
    authToken: o.authToken,
    apiBaseUrl: o.simUrl,
    inProcess: o.inProcess,
    timeoutMs: 15_000,
  });
  const app = await client.applications.create({
    friendlyName: `${o.name} gateway`,
    voiceUrl: `${o.gatewayUrl}${WEBHOOK_PATHS.voice}`,
    voiceMethod: 'POST',
  });
  const service = await client.intelligence.v2.services.create({
    uniqueName: o.name,
    webhookUrl: `${o.gatewayUrl}${WEBHOOK_PATHS.intelligence}`,
  });
  return { appSid: app.sid, intelligenceServiceSid: service.sid };
}
