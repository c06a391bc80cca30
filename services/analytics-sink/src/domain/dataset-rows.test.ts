import { exampleEvents, type GroundTruthRecorded } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from './dataset.js';
import { type CallData, callRowsOf, endedAtOf, runRowOf } from './dataset-rows.js';

const ev = exampleEvents('call-9');

/** A finished call with two turns, a recording, Voice Intelligence results and the provider's ground truth. */
function callData(truth: GroundTruthRecorded | null): CallData {
  const d = new DatasetBuilder();
  d.onPlanned(ev.CallPlanned);
  d.onLifecycle({
    ...ev.CallLifecycle,
    type: 'conference_started',
    occurredAt: new Date('2026-01-05T09:00:00Z'),
  });
  d.onReply({ ...ev.ReplyReady, turn: 0, role: 'agent', text: 'Hello, this is Ana.', fallback: false }, true);
  d.onHeard({
    ...ev.UtteranceHeard,
    turn: 0,
    role: 'customer',
    text: 'hello this is anna',
    confidence: 0.91,
  });
  d.onReply(
    {
      ...ev.ReplyReady,
      turn: 1,
      role: 'customer',
      text: 'My card 4111 1111 1111 1111.',
      fallback: true,
    },
    true,
  );
  if (truth) d.onGroundTruth(truth);
  d.onLifecycle({ ...ev.CallLifecycle, type: 'call_ended', endReason: 'escalated', endedBy: 'agent' });
  d.onLifecycle({
    ...ev.CallLifecycle,
    type: 'conference_ended',
    occurredAt: new Date('2026-01-05T09:01:30.250Z'),
  });
  d.onRecording(ev.RecordingCompleted);
  d.onTranscript(ev.TranscriptAnalyzed);
  return {
    record: d.record('call-9'),
    transcript: d.transcript('call-9'),
    labels: d.labels('call-9'),
    recording: d.recordingOf('call-9'),
    intelligence: d.intelligence('call-9'),
  };
}

const truth: GroundTruthRecorded = {
  ...ev.GroundTruthRecorded,
  provider: 'openai',
  model: 'smollm2-135m',
  intendedOutcome: 'resolved',
  demeanorTrajectory: [
    { turn: 1, demeanor: 'anxious' },
    { turn: 5, demeanor: 'calm' },
  ],
  pii: [
    { type: 'credit_card', value: '4111 1111 1111 1111', turn: 1, start: 8, end: 27 },
    // The same span reported twice (e.g. by two planner passes) would break a multi-row upsert.
    { type: 'credit_card', value: '4111 1111 1111 1111', turn: 1, start: 8, end: 27 },
    // Not in the words spoken: left out of spoken_pii, counted in labels.dropped_pii.
    { type: 'person_name', value: 'Ana', turn: 0, start: 0, end: 3 },
  ],
  turns: [
    {
      turn: 0,
      role: 'agent',
      move: 'greet',
      realizedBy: 'model',
      text: 'Hello, this is Ana.',
      plannedPii: [],
    },
    { turn: 1, role: 'customer', move: 'disclose', realizedBy: 'model', text: 'My card.', plannedPii: [] },
  ],
};

describe('callRowsOf', () => {
  it('maps the calls.jsonl line to a calls row with the run id, the end time and synthetic = true', () => {
    const rows = callRowsOf(callData(truth), { runId: 'run-1' });
    expect(rows.call).toEqual({
      call_id: 'call-9',
      run_id: 'run-1',
      request_id: ev.CallPlanned.requestId,
      customer_id: ev.CallPlanned.customer.id,
      agent_id: ev.CallPlanned.agent.id,
      strategy: ev.CallPlanned.strategy,
      pairing_score: ev.CallPlanned.pairingScore,
      expected_outcome: ev.CallPlanned.expectedOutcome,
      outcome: 'escalated',
      end_reason: 'escalated',
      ended_by: 'agent',
      turn_count: 2,
      fallback_turns: 1,
      started_at: '2026-01-05T09:00:00.000Z',
      ended_at: '2026-01-05T09:01:30.250Z',
      duration_sec: 90.25,
      synthetic: true,
    });
  });

  it('keeps what was said next to what the other leg heard, one row per turn', () => {
    const rows = callRowsOf(callData(truth), { runId: 'run-1' });
    expect(
      rows.turns.map((t) => [
        t.turn,
        t.role,
        t.said,
        t.heard,
        t.confidence,
        t.fallback,
        t.realized_by,
        t.move,
      ]),
    ).toEqual([
      [0, 'agent', 'Hello, this is Ana.', 'hello this is anna', 0.91, false, 'model', 'greet'],
      [1, 'customer', 'My card 4111 1111 1111 1111.', null, null, true, 'fallback', 'disclose'],
    ]);
  });

  it('takes the labels from the ground truth, with the trajectory as JSON and each spoken PII span once', () => {
    const rows = callRowsOf(callData(truth), { runId: 'run-1' });
    expect(rows.labels).toMatchObject({
      call_id: 'call-9',
      industry: ev.CallPlanned.scenario.industry,
      issue_category: ev.CallPlanned.scenario.issueCategory,
      issue_complexity: ev.CallPlanned.scenario.issueComplexity,
      intended_outcome: 'resolved',
      demeanor: 'anxious',
      source: 'provider',
      provider: 'openai',
      model: 'smollm2-135m',
      dropped_pii: 1,
      synthetic: true,
    });
    expect(JSON.parse(String(rows.labels.demeanor_trajectory))).toEqual(truth.demeanorTrajectory);
    expect(rows.spokenPii).toEqual([
      {
        call_id: 'call-9',
        turn: 1,
        start_offset: 8,
        end_offset: 27,
        pii_type: 'credit_card',
        value: '4111 1111 1111 1111',
      },
    ]);
  });

  it('falls back to the plan for labels when the provider recorded no ground truth', () => {
    const rows = callRowsOf(callData(null), { runId: 'run-1' });
    expect(rows.labels).toMatchObject({
      intended_outcome: ev.CallPlanned.expectedOutcome,
      demeanor: ev.CallPlanned.scenario.demeanor,
      source: 'plan',
      provider: null,
      model: null,
      dropped_pii: 0,
    });
    expect(rows.spokenPii).toEqual([]);
  });

  it('serialises the recording and Voice Intelligence results, operator results parsed from Twilio’s JSON', () => {
    const rows = callRowsOf(callData(truth), { runId: 'run-1', recordingFile: 'recordings/call-9.wav' });
    expect(rows.recording).toMatchObject({
      call_id: 'call-9',
      recording_sid: ev.RecordingCompleted.recordingSid,
      channels: ev.RecordingCompleted.channels,
      completed_at: ev.RecordingCompleted.completedAt.toISOString(),
      file: 'recordings/call-9.wav',
    });
    expect(JSON.parse(String(rows.recording?.channel_roles))).toEqual(ev.RecordingCompleted.channelRoles);
    expect(rows.intelligence).toMatchObject({ transcript_sid: ev.TranscriptAnalyzed.transcriptSid });
    const operators = JSON.parse(String(rows.intelligence?.operator_results)) as Array<{ raw: unknown }>;
    expect(operators.map((o) => o.raw)).toEqual(
      ev.TranscriptAnalyzed.operatorResults.map((o) => JSON.parse(o.rawJson)),
    );
  });

  it('has no recording or intelligence rows for a call without them', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    const rows = callRowsOf(
      {
        record: d.record('call-9'),
        transcript: d.transcript('call-9'),
        labels: d.labels('call-9'),
        recording: null,
        intelligence: null,
      },
      { runId: 'r' },
    );
    expect([rows.recording, rows.intelligence, rows.call.ended_at, rows.turns]).toEqual([
      null,
      null,
      null,
      [],
    ]);
  });
});

describe('endedAtOf and runRowOf', () => {
  it('has no end time without a start or a duration', () => {
    expect(endedAtOf({ startedAt: null, durationSec: 3 })).toBeNull();
    expect(endedAtOf({ startedAt: '2026-01-05T09:00:00.000Z', durationSec: null })).toBeNull();
  });

  it('stores the manifest’s config, versions, personas and counts as JSON', () => {
    const row = runRowOf({
      runId: 'run-2',
      source: 'synthcall generate',
      seed: 'demo',
      config: { calls: 2 },
      versions: { synthcall: '0.1.0' },
      personas: { customers: ['c1'], agents: ['a1'] },
      counts: { calls: 2, endReasons: { resolved: 2 } },
      startedAt: '2026-01-05T09:00:00.000Z',
      updatedAt: '2026-01-05T09:10:00.000Z',
      finishedAt: '2026-01-05T09:10:00.000Z',
    });
    expect(row).toMatchObject({
      run_id: 'run-2',
      source: 'synthcall generate',
      seed: 'demo',
      synthetic: true,
    });
    expect(JSON.parse(String(row.counts))).toEqual({ calls: 2, endReasons: { resolved: 2 } });
    expect(JSON.parse(String(row.personas))).toEqual({ customers: ['c1'], agents: ['a1'] });
  });
});
