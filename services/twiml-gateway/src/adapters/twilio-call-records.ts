import type { TwilioClient } from '@synthcall/twilio-client';
import type {
  CallRecords,
  ConferenceRecord,
  LegRecord,
  RecordingRecord,
  TranscriptRecord,
} from '../reconciler.js';

/** The reconciler's lookups through the official SDK (real Twilio, or twilio-sim through the client's base URL). */
export class TwilioCallRecords implements CallRecords {
  constructor(private readonly client: TwilioClient) {}

  async conference(o: { sid: string | null; friendlyName: string }): Promise<ConferenceRecord | null> {
    const found = o.sid
      ? await notFoundAsNull(() => this.client.conferences(o.sid as string).fetch())
      : newest(await this.client.conferences.list({ friendlyName: o.friendlyName, limit: 20 }));
    if (!found) return null;
    return {
      sid: found.sid,
      status: String(found.status),
      reasonEnded: found.reasonConferenceEnded ? String(found.reasonConferenceEnded) : null,
      createdAt: found.dateCreated,
      updatedAt: found.dateUpdated,
    };
  }

  async recordings(conferenceSid: string): Promise<RecordingRecord[]> {
    const list = await this.client.recordings.list({ conferenceSid, limit: 50 });
    return list.map((r) => ({
      sid: r.sid,
      status: String(r.status),
      url: callbackUrlOf(r.mediaUrl, r.uri),
      durationSec: Math.max(0, Number(r.duration) || 0),
      channels: r.channels,
      source: String(r.source),
      conferenceSid: r.conferenceSid ?? null,
      startTime: r.startTime,
    }));
  }

  async leg(callSid: string): Promise<LegRecord | null> {
    const call = await notFoundAsNull(() => this.client.calls(callSid).fetch());
    if (!call) return null;
    const duration = Number(call.duration);
    return {
      sid: call.sid,
      status: String(call.status),
      durationSec: call.duration !== null && Number.isFinite(duration) ? duration : null,
      endTime: call.endTime ?? null,
    };
  }

  async transcriptOf(recordingSid: string, serviceSid: string): Promise<TranscriptRecord | null> {
    const list = await this.client.intelligence.v2.transcripts.list({
      serviceSid,
      sourceSid: recordingSid,
      limit: 20,
    });
    const found = newest(list);
    return found ? { sid: found.sid, status: String(found.status) } : null;
  }
}

function newest<T extends { dateCreated: Date }>(items: T[]): T | undefined {
  return [...items].sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
}

async function notFoundAsNull<T>(fetch: () => Promise<T>): Promise<T | null> {
  try {
    return await fetch();
  } catch (err) {
    if ((err as { status?: unknown }).status === 404) return null;
    throw err;
  }
}

/**
 * The recording URL as its status callback carries it: the media URL without its extension (Twilio's RecordingUrl),
 * so the reconciled RecordingCompleted is the callback's, word for word.
 */
function callbackUrlOf(mediaUrl: string | undefined, uri: string): string {
  if (mediaUrl) return mediaUrl.replace(/\.(wav|mp3|json)$/, '');
  return `https://api.twilio.com${uri.replace(/\.json$/, '')}`;
}
