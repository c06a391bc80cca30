// Per-request cost of checking X-Twilio-Signature: the SDK's validateRequest vs the single-URL fast path.
// Run from services/twiml-gateway: npx tsx --conditions=@synthcall/source bench/signature.ts
import twilio from 'twilio';
import { checkSignature } from '../src/signature.js';

const token = 'bench-token-0123456789';
const url = 'https://gateway.example.test/twilio/gather?callId=req-1-0001&role=agent&heard=3';
// A Gather action webhook as Twilio sends it (~300 bytes form-encoded).
const params: Record<string, string> = {
  AccountSid: `AC${'0'.repeat(32)}`,
  ApiVersion: '2010-04-01',
  CallSid: `CA${'1'.repeat(32)}`,
  CallStatus: 'in-progress',
  Called: '+15550001000',
  Caller: '+15550009999',
  Confidence: '0.92',
  Direction: 'inbound',
  From: '+15550009999',
  SpeechResult: 'I was charged twice for my internet service this month and I want a refund',
  To: '+15550001000',
};
const valid = twilio.getExpectedTwilioSignature(token, url, params);
const forged = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const N = 100_000;

const cases: Array<[string, () => unknown]> = [
  ['valid  / sdk validateRequest', () => twilio.validateRequest(token, valid, url, params)],
  ['valid  / fast path + sdk fallback', () => checkSignature(token, valid, url, params)],
  ['forged / sdk validateRequest', () => twilio.validateRequest(token, forged, url, params)],
  ['forged / fast path + sdk fallback', () => checkSignature(token, forged, url, params)],
];

// Two rounds, interleaved, so a noisy neighbour on the shared cores shows up as disagreement between rounds.
for (let round = 1; round <= 2; round++) {
  for (const [name, fn] of cases) {
    for (let i = 0; i < 2_000; i++) fn();
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    const us = Number(process.hrtime.bigint() - started) / 1_000 / N;
    console.log(`round ${round}  ${name}: ${us.toFixed(2)} µs/request`);
  }
}
