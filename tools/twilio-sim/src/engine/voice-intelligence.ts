import { createHash } from 'node:crypto';
import { twilioSignature } from '../domain/signature.js';
import { badRequest, notFound } from '../errors.js';
import type { Clock } from './clock.js';
import type { RecordingRecord } from './model.js';
import type { OperatorSpec, TranscriptAnalyzer } from './ports.js';
import type { Telephony } from './telephony.js';
import { inThreadTranscriber, type Transcriber } from './transcription.js';

export interface ServiceRecord {
  sid: string;
  uniqueName: string;
  friendlyName: string | null;
  languageCode: string;
  autoRedaction: boolean;
  mediaRedaction: boolean;
  autoTranscribe: boolean;
  dataLogging: boolean;
  webhookUrl: string | null;
  webhookHttpMethod: 'GET' | 'POST' | 'NULL';
  operators: OperatorSpec[];
  version: number;
  dateCreated: number;
  dateUpdated: number;
}

export interface ChannelParticipantInput {
  channel_participant?: number;
  role?: string;
  [key: string]: unknown;
}

export interface TranscriptRecord {
  sid: string;
  serviceSid: string;
  status: 'queued' | 'in-progress' | 'completed' | 'failed' | 'canceled';
  channel: {
    media_properties?: { source_sid?: string; media_url?: string };
    participants?: ChannelParticipantInput[];
  };
  customerKey: string | null;
  mediaStartTime: string | null;
  durationSec: number;
  dateCreated: number;
  dateUpdated: number;
  sentences: Array<Record<string, unknown>>;
  operatorResults: Array<Record<string, unknown>>;
}

/** Clock time Voice Intelligence takes to transcribe and analyse a recording. */
const PROCESSING_MS = 5_000;
const QUEUED_MS = 1_000;

/** Voice Intelligence v2: services, transcripts of sim recordings, sentences, operator results, the webhook. */
export class VoiceIntelligence {
  readonly services = new Map<string, ServiceRecord>();
  readonly transcripts = new Map<string, TranscriptRecord>();
  readonly startedAt: number;

  constructor(
    readonly t: Telephony,
    readonly analyzer: TranscriptAnalyzer,
    readonly baseUrl: () => string,
    /** Where transcripts are made and analysed; the calling thread with the sim's own ports by default. */
    readonly transcriber: Transcriber = inThreadTranscriber({ recognizer: t.options.recognizer, analyzer }),
  ) {
    this.startedAt = t.now();
  }

  createService(
    input: Omit<ServiceRecord, 'sid' | 'operators' | 'version' | 'dateCreated' | 'dateUpdated'>,
  ): ServiceRecord {
    for (const s of this.services.values()) {
      if (s.uniqueName === input.uniqueName)
        throw badRequest(20001, `UniqueName ${input.uniqueName} is already in use`);
    }
    const now = this.t.now();
    const service: ServiceRecord = {
      ...input,
      sid: this.t.sid('GA'),
      // Every sim service starts with the sim's operators attached; attach/detach edits the list.
      operators: this.analyzer.operators(),
      version: 1,
      dateCreated: now,
      dateUpdated: now,
    };
    this.services.set(service.sid, service);
    return service;
  }

  service(sid: string): ServiceRecord {
    const s = this.services.get(sid);
    if (!s) throw notFound(`/v2/Services/${sid}`);
    return s;
  }

  createTranscript(input: {
    serviceSid: string;
    channel: string;
    customerKey: string | null;
    mediaStartTime: string | null;
  }): TranscriptRecord {
    const service = this.services.get(input.serviceSid);
    if (!service) throw badRequest(20001, `ServiceSid ${input.serviceSid} does not exist`);
    let channel: TranscriptRecord['channel'];
    try {
      channel = JSON.parse(input.channel) as TranscriptRecord['channel'];
    } catch {
      throw badRequest(20001, 'Channel must be a JSON object');
    }
    const sourceSid = channel.media_properties?.source_sid;
    const mediaUrl = channel.media_properties?.media_url;
    if (sourceSid && mediaUrl)
      throw badRequest(20001, 'Channel.media_properties: give source_sid or media_url, not both');
    if (!sourceSid)
      throw badRequest(20001, 'Channel.media_properties.source_sid (a recording SID) is required in the sim');
    const recording = this.t.recordings.get(sourceSid);
    if (!recording) throw badRequest(20001, `Recording ${sourceSid} does not exist`);
    if (input.customerKey && input.customerKey.length > 64)
      throw badRequest(20001, 'CustomerKey must be at most 64 characters');
    const now = this.t.now();
    const transcript: TranscriptRecord = {
      sid: this.t.sid('GT'),
      serviceSid: service.sid,
      status: 'queued',
      channel,
      customerKey: input.customerKey,
      mediaStartTime: input.mediaStartTime,
      durationSec: recording.durationSec ?? 0,
      dateCreated: now,
      dateUpdated: now,
      sentences: [],
      operatorResults: [],
    };
    this.transcripts.set(transcript.sid, transcript);
    // The media is taken now, as Twilio fetches it when the transcript is created: a recording forgotten (retention)
    // or deleted while the transcript is queued must not leave a completed transcript with no sentences.
    this.t.track(this.process(transcript, service, recording));
    return transcript;
  }

  transcript(sid: string): TranscriptRecord {
    const tr = this.transcripts.get(sid);
    if (!tr) throw notFound(`/v2/Transcripts/${sid}`);
    return tr;
  }

  private async process(
    transcript: TranscriptRecord,
    service: ServiceRecord,
    recording: RecordingRecord,
  ): Promise<void> {
    // A transcript's processing is a job of its own: on the per-call clock no call's webhook delays it.
    const clock = this.t.clock.forCall();
    await clock.sleep(QUEUED_MS);
    if (transcript.status !== 'queued') return;
    transcript.status = 'in-progress';
    transcript.dateUpdated = clock.now();
    await clock.sleep(PROCESSING_MS);
    if (transcript.status !== 'in-progress') return;
    try {
      const participants = (transcript.channel.participants ?? []).map((p) => ({
        channel: Number(p.channel_participant),
        role: typeof p.role === 'string' ? p.role : undefined,
      }));
      // The clock stays still while the analysis runs (on a worker thread it takes real time, not call time).
      const result = await clock.track(
        this.transcriber.transcribe({
          transcriptSid: transcript.sid,
          seed: this.t.options.seed,
          asrWer: this.t.options.asrWer,
          segments: recording.segments,
          participants,
          operators: service.operators,
          baseUrl: this.baseUrl(),
        }),
      );
      if (transcript.status !== 'in-progress') return;
      transcript.sentences = result.sentences;
      transcript.operatorResults = result.operatorResults;
      transcript.status = 'completed';
    } catch (error) {
      transcript.status = 'failed';
      this.t.notify(
        undefined,
        95201,
        `Transcript ${transcript.sid} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          url: '',
          method: 'POST',
        },
      );
    }
    transcript.dateUpdated = clock.now();
    this.t.retention.transcripts.finish(transcript.sid, () => {
      if (this.transcripts.get(transcript.sid) === transcript) this.transcripts.delete(transcript.sid);
    });
    if (transcript.status === 'completed') await this.sendWebhook(service, transcript, clock);
  }

  /**
   * The transcript-available webhook. JSON, signed the way Twilio signs JSON bodies: `bodySHA256` (hex SHA-256
   * of the body) is added to the URL and the signature covers the URL alone.
   */
  private async sendWebhook(
    service: ServiceRecord,
    transcript: TranscriptRecord,
    clock: Clock,
  ): Promise<void> {
    if (!service.webhookUrl || service.webhookHttpMethod === 'NULL') return;
    const payload = {
      account_sid: this.t.options.accountSid,
      service_sid: service.sid,
      transcript_sid: transcript.sid,
      customer_key: transcript.customerKey,
      encryption_credential_sid: null,
      event_type: 'voice_intelligence_transcript_available',
    };
    const body = JSON.stringify(payload);
    const url = new URL(service.webhookUrl);
    url.searchParams.set('bodySHA256', createHash('sha256').update(body).digest('hex'));
    const signed = url.toString();
    // Cleared once answered: AbortSignal.timeout's timer would outlive every webhook by the full timeout.
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('webhook timed out', 'TimeoutError')),
      this.t.options.webhookTimeoutMs,
    );
    const send = this.t.options
      .webhookTransport({
        url: signed,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Twilio-Signature': twilioSignature(this.t.options.authToken, signed, {}),
          'User-Agent': 'TwilioProxy/1.1',
        },
        body,
        signal: abort.signal,
      })
      .then((res) => {
        if (res.status < 200 || res.status >= 300)
          this.t.notify(
            undefined,
            11200,
            `Transcript webhook answered ${res.status}`,
            { url: signed, method: 'POST' },
            true,
          );
      })
      .catch((error: unknown) => {
        this.t.notify(
          undefined,
          95201,
          `Transcript webhook failed: ${String(error)}`,
          { url: signed, method: 'POST' },
          true,
        );
      })
      .finally(() => clearTimeout(timer));
    await clock.track(send);
  }
}
