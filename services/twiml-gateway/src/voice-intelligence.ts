import type { TranscriptAnalyzed } from '@synthcall/schemas';
import { apiOriginOf, type TwilioClient } from '@synthcall/twilio-client';

/** What the gateway needs from Voice Intelligence: create a transcript of a recording, then read its results. */
export interface VoiceIntelligence {
  readonly serviceSid: string;
  /** The REST API origin it talks to (Twilio's, or twilio-sim's): recordings it can transcribe live there. */
  readonly apiOrigin?: string;
  /** Transcribes a dual-channel call recording (channel 1 customer, 2 agent), keyed back to the call. */
  createTranscript(o: { callId: string; recordingSid: string }): Promise<string>;
  /** Sentences and operator results of a completed transcript, as the TranscriptAnalyzed event carries them. */
  analyzed(o: { callId: string; transcriptSid: string; now: Date }): Promise<TranscriptAnalyzed>;
}

const CHANNEL_ROLE: Record<number, 'customer' | 'agent'> = { 1: 'customer', 2: 'agent' };

const numberOrNull = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

/** Voice Intelligence through the official SDK (real Twilio, or twilio-sim through the client's base URL). */
export class TwilioVoiceIntelligence implements VoiceIntelligence {
  readonly apiOrigin: string;

  constructor(
    private readonly client: TwilioClient,
    readonly serviceSid: string,
  ) {
    this.apiOrigin = apiOriginOf(client);
  }

  async createTranscript(o: { callId: string; recordingSid: string }): Promise<string> {
    const created = await this.client.intelligence.v2.transcripts.create({
      serviceSid: this.serviceSid,
      channel: {
        media_properties: { source_sid: o.recordingSid },
        participants: [
          { channel_participant: 1, role: 'Customer', user_id: `${o.callId}:customer` },
          { channel_participant: 2, role: 'Agent', user_id: `${o.callId}:agent` },
        ],
      },
      customerKey: o.callId,
    });
    return created.sid;
  }

  async analyzed(o: { callId: string; transcriptSid: string; now: Date }): Promise<TranscriptAnalyzed> {
    const transcript = this.client.intelligence.v2.transcripts(o.transcriptSid);
    const [fetched, sentences, results] = await Promise.all([
      transcript.fetch(),
      transcript.sentences.list({ limit: 5000 }),
      transcript.operatorResults.list({ limit: 100 }),
    ]);
    const channel = fetched.channel as { media_properties?: { source_sid?: string } } | undefined;
    return {
      eventId: `${o.callId}:${o.transcriptSid}`,
      callId: o.callId,
      transcriptSid: o.transcriptSid,
      serviceSid: fetched.serviceSid ?? this.serviceSid,
      recordingSid: channel?.media_properties?.source_sid ?? null,
      analyzedAt: o.now,
      sentences: sentences
        .sort((a, b) => a.sentenceIndex - b.sentenceIndex)
        .map((s) => ({
          index: s.sentenceIndex,
          channel: s.mediaChannel,
          role: CHANNEL_ROLE[s.mediaChannel] ?? null,
          startSec: numberOrNull(s.startTime) ?? 0,
          endSec: numberOrNull(s.endTime) ?? 0,
          text: s.transcript,
          confidence: numberOrNull(s.confidence),
        })),
      operatorResults: results.map((r) => {
        const extract = (r.extractResults ?? {}) as Record<string, unknown>;
        return {
          operatorSid: r.operatorSid,
          name: r.name,
          operatorType: String(r.operatorType),
          predictedLabel: r.predictedLabel ?? null,
          predictedProbability: numberOrNull(r.predictedProbability),
          textResult:
            typeof r.textGenerationResults?.result === 'string'
              ? (r.textGenerationResults.result as string)
              : null,
          extractResults: Object.fromEntries(
            Object.entries(extract).map(([type, values]) => [
              type,
              Array.isArray(values) ? values.map(String) : [],
            ]),
          ),
          rawJson: JSON.stringify(r.toJSON()),
        };
      }),
    };
  }
}
