import {
  BaseUrlHttpClient,
  createTwilioClient,
  type InProcessTwilio,
  type TwilioClient,
} from '@synthcall/twilio-client';
import type { ConferenceCreated, ConferenceRequest, ParticipantRequest, Telephony } from '../domain/ports.js';
import { OrchestratorError } from '../errors.js';
import type { OrchestratorMetrics } from '../metrics.js';

// Kept as an export of this adapter for the tests and callers that reach the sim through it.
export { BaseUrlHttpClient };

export interface TwilioTelephonyOptions {
  accountSid: string;
  authToken: string;
  /** Origin replacing https://api.twilio.com (twilio-sim); unset = real Twilio. */
  apiBaseUrl?: string | undefined;
  /** With `apiBaseUrl`: twilio-sim in the same process, reached without a socket (`generate`). */
  inProcess?: InProcessTwilio | undefined;
  timeoutMs: number;
  metrics: Pick<OrchestratorMetrics, 'twilioRequests' | 'twilioDuration'>;
}

/** Twilio's own retry of 429s (bounded); other failures surface at once and fail the call. */
const MAX_RETRIES = 3;

/** The Telephony port on the official SDK: one conference per call, two labelled participants. */
export class TwilioTelephony implements Telephony {
  private readonly client: TwilioClient;

  constructor(private readonly options: TwilioTelephonyOptions) {
    this.client = createTwilioClient({
      accountSid: options.accountSid,
      authToken: options.authToken,
      apiBaseUrl: options.apiBaseUrl,
      inProcess: options.inProcess,
      timeoutMs: options.timeoutMs,
      maxRetries: MAX_RETRIES,
    });
  }

  async createConference(request: ConferenceRequest, pace: () => Promise<void>): Promise<ConferenceCreated> {
    const [customerLeg, agentLeg] = request.participants;
    await pace();
    const customer = await this.addParticipant(request, customerLeg);
    let agent: Awaited<ReturnType<TwilioTelephony['addParticipant']>>;
    try {
      await pace();
      agent = await this.addParticipant(request, agentLeg);
    } catch (error) {
      // A lone customer leg would sit in the conference until the time limit: hang it up.
      await this.measure('calls.update', () =>
        this.client.calls(customer.callSid).update({ status: 'completed' }),
      ).catch(() => undefined);
      throw error;
    }
    return {
      conferenceSid: customer.conferenceSid ?? agent.conferenceSid ?? null,
      customerCallSid: customer.callSid,
      agentCallSid: agent.callSid,
    };
  }

  async conferenceExists(conferenceName: string): Promise<boolean> {
    const found = await this.measure('conferences.list', () =>
      this.client.conferences.list({ friendlyName: conferenceName, limit: 1 }),
    );
    return found.length > 0;
  }

  private async addParticipant(request: ConferenceRequest, leg: ParticipantRequest) {
    return this.measure('participants.create', () =>
      // With a FriendlyName in the path Twilio creates the conference on the first participant.
      this.client.conferences(request.conferenceName).participants.create({
        from: leg.from,
        to: leg.to,
        label: leg.label,
        statusCallback: leg.statusCallbackUrl,
        statusCallbackMethod: 'POST',
        // Only the end of a leg: the gateway publishes nothing for initiated, ringing or answered, so asking for
        // them cost six webhooks a call (a failed leg is reported under 'completed' too).
        statusCallbackEvent: ['completed'],
        timeLimit: request.timeLimitSec,
        beep: 'false',
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        // The first participant's conference settings win; both send the same ones.
        // Recorded once, as the conference: Twilio stores it dual-channel, the first participant to join (the
        // customer) on channel 1. (recordingChannels would only apply to a recording of this leg, which we do not ask.)
        conferenceRecord: 'record-from-start',
        conferenceStatusCallback: request.conferenceStatusCallbackUrl,
        conferenceStatusCallbackMethod: 'POST',
        conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
        conferenceRecordingStatusCallback: request.recordingStatusCallbackUrl,
        conferenceRecordingStatusCallbackMethod: 'POST',
        conferenceRecordingStatusCallbackEvent: ['completed', 'failed', 'absent'],
      }),
    );
  }

  private async measure<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.options.metrics.twilioRequests.inc({ operation, outcome: 'ok' });
      return result;
    } catch (cause) {
      this.options.metrics.twilioRequests.inc({ operation, outcome: 'error' });
      const status = (cause as { status?: unknown }).status;
      const code = (cause as { code?: unknown }).code;
      throw new OrchestratorError(
        'SYNTH_TELEPHONY_FAILED',
        `Twilio ${operation} failed${status ? ` (HTTP ${String(status)}` : ''}${code ? `, code ${String(code)})` : status ? ')' : ''}: ${(cause as Error).message}`,
        { cause },
      );
    } finally {
      this.options.metrics.twilioDuration.observe({ operation }, (performance.now() - started) / 1000);
    }
  }
}
