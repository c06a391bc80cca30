/**
 * Webhooks per second the sim sustains in fast mode: CALLS concurrent calls, each answering TURNS webhooks with a
 * short <Say> and a <Redirect>, against a local TwiML app. Bounded by design (shared 2-core machine).
 *   npm run bench -w @synthcall/twilio-sim    (or: npx tsx tools/twilio-sim/bench/webhooks.ts)
 */
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { SimHttpClient } from '../src/sdk-client.js';
import { startTwilioSim } from '../src/sim.js';
import { TwimlApp } from '../src/test-support/twiml-app.js';

const CALLS = 20;
const TURNS = 50;
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'bench-token';

async function main(): Promise<void> {
  const app = await new TwimlApp().start();
  const sim = await startTwilioSim({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    clock: 'fast',
    seed: 'bench',
  });
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new SimHttpClient(sim.baseUrl) });
  const turns = new Map<string, number>();
  app.on('/turn', (hook) => {
    const n = (turns.get(hook.params.CallSid ?? '') ?? 0) + 1;
    turns.set(hook.params.CallSid ?? '', n);
    return n >= TURNS
      ? '<Response><Say>Goodbye.</Say><Hangup/></Response>'
      : '<Response><Say>One more turn of the benchmark.</Say><Redirect>/turn</Redirect></Response>';
  });
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        client.calls.create({
          to: `+1555000${String(1000 + i)}`,
          from: '+15550009999',
          url: app.url('/turn'),
        }),
      ),
    );
    await sim.whenIdle();
    const seconds = (performance.now() - started) / 1000;
    const webhooks = app.received.length;
    const virtualSeconds = [...sim.telephony.calls.values()].reduce(
      (max, leg) => Math.max(max, sim.telephony.callDurationSec(leg)),
      0,
    );
    process.stdout.write(
      `twilio-sim fast mode: ${webhooks} webhooks from ${CALLS} concurrent calls in ${seconds.toFixed(2)} s real ` +
        `= ${(webhooks / seconds).toFixed(0)} webhooks/s (each call ${virtualSeconds} s of call time)\n`,
    );
  } finally {
    await sim.close();
    await app.close();
  }
}

await main();
