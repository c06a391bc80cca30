import { MemoryEventBus } from '@synthcall/event-bus';
import { exampleEvents, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecords, ConferenceRecord, LegRecord } from './reconciler.js';
import {
  AGENT_SID,
  type Harness,
  type HarnessOptions,
  startHarness,
  verbsOf,
} from './test-support/harness.js';

// A signed webhook proves only that its sender holds the auth token. One that names a call this system never placed
// (forged, or replayed from another account's traffic) must publish nothing: no speech kept in dead letters, no
// call_ended for a call that never existed, no recording fetched.

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({ ...options, env: { REPLY_HOLD_MS: '50', ...options.env } });
  harnesses.push(h);
  return h;
}

const CONFERENCE_SID = 'CF00000000000000000000000000000d0d';
const RECORDING_SID = 'RE000000000000000000000000000000d1';
const ACCOUNT = `AC${'0'.repeat(32)}`;

/** Twilio's REST API that knows only the legs and conferences it is given. */
class KnownToTwilio implements CallRecords {
  lookups: string[] = [];
  constructor(private readonly known: Set<string> = new Set()) {}
  async conference(o: { sid: string | null }): Promise<ConferenceRecord | null> {
    this.lookups.push(`conference:${o.sid}`);
    if (!o.sid || !this.known.has(o.sid)) return null;
    const at = new Date('2026-02-01T10:00:00Z');
    return { sid: o.sid, status: 'in-progress', reasonEnded: null, createdAt: at, updatedAt: at };
  }
  async recordings() {
    return [];
  }
  async leg(callSid: string): Promise<LegRecord | null> {
    this.lookups.push(`leg:${callSid}`);
    return this.known.has(callSid)
      ? { sid: callSid, status: 'in-progress', durationSec: null, endTime: null }
      : null;
  }
  async transcriptOf() {
    return null;
  }
}

const ghostWebhooks = {
  gather: [
    '/twilio/gather?callId=ghost-call&role=customer&heard=0',
    { CallSid: AGENT_SID, SpeechResult: 'my card number is 4111' },
  ],
  wait: ['/twilio/wait?callId=ghost-call&role=agent&turn=2&waited=0', { CallSid: AGENT_SID }],
  conferenceEnd: [
    '/twilio/status/conference',
    {
      ConferenceSid: CONFERENCE_SID,
      FriendlyName: 'synthcall-ghost-call',
      StatusCallbackEvent: 'conference-end',
      SequenceNumber: '9',
      ReasonConferenceEnded: 'last-participant-left',
    },
  ],
  callStatus: [
    '/twilio/status/call?callId=ghost-call&role=agent',
    { CallSid: AGENT_SID, CallStatus: 'completed' },
  ],
  recording: [
    '/twilio/status/recording?callId=ghost-call',
    {
      RecordingSid: RECORDING_SID,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${RECORDING_SID}`,
      RecordingStatus: 'completed',
      RecordingDuration: '12',
      RecordingChannels: '2',
      ConferenceSid: CONFERENCE_SID,
    },
  ],
} as const satisfies Record<string, readonly [string, Record<string, string>]>;

async function nothingPublished(h: Harness): Promise<void> {
  for (const topic of [TOPICS.utterances, TOPICS.replies, TOPICS.callEvents, TOPICS.recordings])
    expect(await h.published(topic), topic.name).toEqual([]);
}

describe('twiml-gateway: signed webhooks for a call nobody placed', () => {
  it('hangs up a gather or wait with a spoken reason and publishes nothing, not even the speech it carried', async () => {
    const h = await harness();
    for (const [path, params] of [ghostWebhooks.gather, ghostWebhooks.wait]) {
      const res = await h.post(path, params);
      expect(res.status).toBe(200);
      expect(verbsOf(await res.text()).map((v) => v.name)).toEqual(['Say', 'Hangup']);
    }
    await nothingPublished(h);
    const warned = h.logLines.filter((l) => l.code === 'SYNTH_UNKNOWN_CALL');
    expect(warned.map((l) => l.route)).toEqual(['gather', 'wait']);
    expect(JSON.stringify(h.logLines)).not.toContain('4111');
  });

  it('answers 404 to a conference end, call status or recording callback for it, and no call_ended, recording or transcript follows', async () => {
    const h = await harness();
    for (const [path, params] of [
      ghostWebhooks.conferenceEnd,
      ghostWebhooks.callStatus,
      ghostWebhooks.recording,
    ]) {
      const res = await h.post(path, params);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toBe('unknown call');
    }
    await nothingPublished(h);
    expect(await h.metric('synthcall_active_calls')).toBe(0);
  });

  it('asks Twilio last: a leg or conference Twilio does not know is refused after the lookup', async () => {
    const twilioApi = new KnownToTwilio();
    const h = await harness({ callRecords: twilioApi });
    expect((await h.post(...ghostWebhooks.gather)).status).toBe(200);
    expect((await h.post(...ghostWebhooks.conferenceEnd)).status).toBe(404);
    expect(twilioApi.lookups).toEqual([`leg:${AGENT_SID}`, `conference:${CONFERENCE_SID}`]);
    await nothingPublished(h);
  });

  it('accepts a call Twilio knows although this replica never saw it planned (a leg placed before a restart)', async () => {
    const twilioApi = new KnownToTwilio(new Set([AGENT_SID, CONFERENCE_SID]));
    const h = await harness({ callRecords: twilioApi });
    await h.post(...ghostWebhooks.gather);
    expect((await h.published(TOPICS.utterances)).map((u) => [u.callId, u.text])).toEqual([
      ['ghost-call', 'my card number is 4111'],
    ]);
    expect((await h.post(...ghostWebhooks.conferenceEnd)).status).toBe(204);
    expect((await h.published(TOPICS.callEvents)).map((e) => e.type)).toContain('conference_ended');
    // Vouched for once: the call's next webhooks do not ask again.
    const asked = twilioApi.lookups.length;
    await h.post('/twilio/gather?callId=ghost-call&role=customer&heard=2', {
      CallSid: AGENT_SID,
      SpeechResult: 'yes',
    });
    expect(twilioApi.lookups).toHaveLength(asked);
  });

  it('knows a call planned before a restart from the reconciler, which replays CallPlanned, without asking Twilio', async () => {
    const bus = new MemoryEventBus();
    await bus.publish(TOPICS.calls, 'before-restart', exampleEvents('before-restart').CallPlanned);
    const twilioApi = new KnownToTwilio();
    const h = await harness({ bus, callRecords: twilioApi });
    await h.post('/twilio/gather?callId=before-restart&role=customer&heard=0', {
      CallSid: AGENT_SID,
      SpeechResult: 'hello',
    });
    expect((await h.published(TOPICS.utterances)).map((u) => u.callId)).toEqual(['before-restart']);
    expect(twilioApi.lookups).toEqual([]);
  });
});
