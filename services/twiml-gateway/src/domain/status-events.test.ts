import { describe, expect, it } from 'vitest';
import { callLifecycle, conferenceLifecycle, recordingCompleted, roleFromLabel } from './status-events.js';

const at = new Date('2026-01-15T10:00:00Z');

describe('status callbacks to events', () => {
  it('keeps the same event id for a redelivered conference callback', () => {
    const cb = {
      callId: 'c1',
      ConferenceSid: 'CF1',
      StatusCallbackEvent: 'participant-join',
      SequenceNumber: 2,
      CallSid: 'CA1',
      ParticipantLabel: 'Agent',
      occurredAt: at,
    };
    const first = conferenceLifecycle(cb);
    expect(first).toMatchObject({
      type: 'participant_joined',
      role: 'agent',
      callSid: 'CA1',
      sequenceNumber: 2,
    });
    expect(conferenceLifecycle({ ...cb, occurredAt: new Date(0) })?.eventId).toBe(first?.eventId);
  });

  it('ignores conference events synthcall does not track', () => {
    const cb = {
      callId: 'c1',
      ConferenceSid: 'CF1',
      StatusCallbackEvent: 'participant-mute',
      occurredAt: at,
    };
    expect(conferenceLifecycle(cb)).toBeNull();
  });

  it('reads participant labels case-insensitively and nothing else as a role', () => {
    expect(roleFromLabel('CUSTOMER')).toBe('customer');
    expect(roleFromLabel('supervisor')).toBeNull();
    expect(roleFromLabel(undefined)).toBeNull();
  });

  it('maps terminal call statuses and ignores progress', () => {
    const base = { callId: 'c1', role: 'agent' as const, CallSid: 'CA1', occurredAt: at };
    expect(callLifecycle({ ...base, CallStatus: 'busy' })?.type).toBe('call_failed');
    expect(callLifecycle({ ...base, CallStatus: 'completed', CallDuration: 12 })).toMatchObject({
      type: 'call_completed',
      durationSec: 12,
    });
    expect(callLifecycle({ ...base, CallStatus: 'in-progress' })).toBeNull();
  });

  it('publishes only completed recordings, with no channel map for a mono call-leg one', () => {
    const base = {
      callId: 'c1',
      RecordingSid: 'RE1',
      RecordingUrl: 'https://example.test/r',
      RecordingDuration: 30,
      completedAt: at,
    };
    expect(recordingCompleted({ ...base, RecordingStatus: 'in-progress', RecordingChannels: 2 })).toBeNull();
    expect(
      recordingCompleted({ ...base, RecordingStatus: 'completed', RecordingChannels: 1 })?.channelRoles,
    ).toEqual([]);
    // A conference recording is stored with two channels whatever its callback's RecordingChannels says.
    expect(
      recordingCompleted({
        ...base,
        RecordingStatus: 'completed',
        RecordingChannels: 1,
        RecordingSource: 'Conference',
      }),
    ).toMatchObject({
      channels: 2,
      channelRoles: [
        { channel: 1, role: 'customer' },
        { channel: 2, role: 'agent' },
      ],
      // Its published URL asks for both channels (the plain one downloads a mono mix).
      recordingUrl: 'https://example.test/r?RequestedChannels=2',
    });
  });
});
