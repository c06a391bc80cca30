import type { EventBus } from '@synthcall/event-bus';
import { SPOKEN_HEADER, TOPICS } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { callEvents, publishCall } from './call-events.js';

function recordingBus() {
  const sent: string[] = [];
  const bus: Pick<EventBus, 'publish'> = {
    publish: async (topic, _key, value, headers = {}) => {
      const spoken = headers[SPOKEN_HEADER] === 'true' ? ' (spoken)' : '';
      sent.push(`${topic.name} ${'eventId' in value ? value.eventId : '-'}${spoken}`);
    },
  };
  return { bus, sent };
}

describe('callEvents fixture', () => {
  it('publishes a call in the order a call makes its events, each turn’s reply and the gateway’s record of speaking it before what was heard of it', async () => {
    const { bus, sent } = recordingBus();
    await publishCall(bus, callEvents('c', { turns: 2 }));
    expect(sent).toEqual([
      `${TOPICS.calls.name} c:planned`,
      `${TOPICS.callEvents.name} c:start`,
      `${TOPICS.replies.name} c:r0`,
      `${TOPICS.replies.name} c:r0 (spoken)`,
      `${TOPICS.utterances.name} c:h0`,
      `${TOPICS.replies.name} c:r1`,
      `${TOPICS.replies.name} c:r1 (spoken)`,
      `${TOPICS.utterances.name} c:h1`,
      `${TOPICS.callEvents.name} c:ended`,
      `${TOPICS.groundTruth.name} c:ground_truth:1`,
      `${TOPICS.callEvents.name} c:conf-ended`,
      `${TOPICS.recordings.name} ${callEvents('c').recording.eventId}`,
      `${TOPICS.transcripts.name} ${callEvents('c').analyzed.eventId}`,
    ]);
  });

  it('publishes only the chosen parts, and of a slice of the turns only those turns', async () => {
    const { bus, sent } = recordingBus();
    const e = callEvents('c', { turns: 4, reply: (turn, role) => ({ text: `${role} ${turn}` }) });
    expect(e.replies.map((r) => r.text)).toEqual(['agent 0', 'customer 1', 'agent 2', 'customer 3']);
    await publishCall(bus, { ...e, replies: e.replies.slice(2), heard: e.heard.slice(2) }, [
      'ended',
      'heard',
      'replies',
    ]);
    expect(sent.map((line) => line.split(' ')[1])).toEqual([
      'c:r2',
      'c:r2',
      'c:h2',
      'c:r3',
      'c:r3',
      'c:h3',
      'c:ended',
    ]);
  });
});
