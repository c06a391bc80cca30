export { handlerTransport, type RequestHandler } from './adapters/handler-transport.js';
export { twilioSignature } from './domain/signature.js';
export type { Clock } from './engine/clock.js';
export { RealtimeClock, VirtualClock } from './engine/clock.js';
export type {
  RecordingMedia,
  RecordingRenderer,
  SpeechRecognizer,
  SpeechTiming,
  TranscriptAnalyzer,
} from './engine/ports.js';
export { APPLICATION_ERROR_TEXT } from './engine/runner.js';
export type {
  WebhookHttpRequest,
  WebhookHttpResponse,
  WebhookTransport,
} from './engine/webhooks.js';
export { SimError, type SimErrorCode } from './errors.js';
export type { SimHttpRequest, SimHttpResponse } from './http/server.js';
export { SimHttpClient } from './sdk-client.js';
export { startTwilioSim, type TwilioSim, type TwilioSimOptions } from './sim.js';
