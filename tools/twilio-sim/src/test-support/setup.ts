import twilio from 'twilio';
import { SimHttpClient } from '../sdk-client.js';
import { startTwilioSim, type TwilioSim, type TwilioSimOptions } from '../sim.js';
import { TwimlApp } from './twiml-app.js';

export const ACCOUNT_SID = `AC${'1234567890abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'sim-test-token';
/** The two numbers of a conference call: the agent's line and the customer's. */
export const AGENT_NUMBER = '+15550001000';
export const CUSTOMER_NUMBER = '+15550002000';

export interface Harness {
  sim: TwilioSim;
  app: TwimlApp;
  client: twilio.Twilio;
  close(): Promise<void>;
}

/** A sim (fast clock, no ASR noise unless asked) + a TwiML app + an official SDK client pointed at the sim. */
export async function startHarness(options: Partial<TwilioSimOptions> = {}): Promise<Harness> {
  const app = await new TwimlApp().start();
  const internalErrors: unknown[] = [];
  const sim = await startTwilioSim({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    seed: 'test',
    asrWer: 0,
    onError: (error) => internalErrors.push(error),
    ...options,
  });
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new SimHttpClient(sim.baseUrl) });
  return {
    sim,
    app,
    client,
    async close() {
      await sim.close();
      await app.close();
      // A sim bug in background work would otherwise pass unnoticed.
      if (internalErrors.length > 0)
        throw new AggregateError(internalErrors, 'twilio-sim reported internal errors');
    },
  };
}

/** Buys the agent's and the customer's numbers, each answered by its path on the harness's TwiML app. */
export async function answerNumbers(
  h: Harness,
  agentPath = '/agent',
  customerPath = '/customer',
): Promise<void> {
  await h.client.incomingPhoneNumbers.create({ phoneNumber: AGENT_NUMBER, voiceUrl: h.app.url(agentPath) });
  await h.client.incomingPhoneNumbers.create({
    phoneNumber: CUSTOMER_NUMBER,
    voiceUrl: h.app.url(customerPath),
  });
}

/** True when the webhook's X-Twilio-Signature is valid for the URL it was sent to, per the official SDK. */
export function validSignature(hook: {
  signature: string | undefined;
  url: string;
  params: Record<string, string>;
  method: string;
}): boolean {
  if (!hook.signature) return false;
  return twilio.validateRequest(
    AUTH_TOKEN,
    hook.signature,
    hook.url,
    hook.method === 'GET' ? {} : hook.params,
  );
}
