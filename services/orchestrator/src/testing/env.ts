/** The smallest environment the orchestrator starts with (twilio-sim style values; no network is touched). */
export const minimalEnv = {
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(31)}1`,
  TWILIO_AUTH_TOKEN: 'test-token',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
  TWILIO_FROM: '+15005550006',
  TWILIO_CUSTOMER_TO: 'app:AP0000000000000000000000000000c001',
  TWILIO_AGENT_TO: 'app:AP0000000000000000000000000000a001',
  GATEWAY_PUBLIC_URL: 'http://127.0.0.1:9462',
} as const;
