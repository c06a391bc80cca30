import type { RecordingCompleted } from '@synthcall/schemas';
import type { CallRecord, IntelligenceRecord, Labels, Transcript } from './dataset.js';

/**
 * Rows of the PostgreSQL tables (migrations/*.sql), one object per row, keyed by column name. Values are what `pg`
 * sends as they are: strings, numbers, booleans, null, and JSON text for the jsonb columns (`pg` would turn a JS array
 * into a PostgreSQL array, not JSON, so jsonb values are serialised here).
 */
export type Row = Record<string, string | number | boolean | null>;

/** Every row one call contributes, written together in one transaction. */
export interface CallRows {
  callId: string;
  call: Row;
  turns: Row[];
  labels: Row;
  spokenPii: Row[];
  recording: Row | null;
  intelligence: Row | null;
}

/** What the dataset holds for a call: the same objects the files are written from. */
export interface CallData {
  record: CallRecord;
  transcript: Transcript;
  labels: Labels;
  recording: RecordingCompleted | null;
  intelligence: IntelligenceRecord | null;
}

/** The run a call was written by (runs.run_id); see runRowOf. */
export interface RowContext {
  runId: string;
  /** recordings.file: the WAV's path inside the dataset folder, when the run wrote audio. */
  recordingFile?: string | null;
}

/** The part of a run's manifest the runs table keeps. */
export interface RunInfo {
  runId: string;
  source: 'synthcall generate' | 'analytics-sink';
  seed: string | null;
  config: Record<string, unknown>;
  versions: Record<string, string>;
  personas: { customers: string[]; agents: string[] } | null;
  counts: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const jsonb = (value: unknown): string => JSON.stringify(value);

/** The call's end on the wall clock of its callbacks: start plus duration, when both are known. */
export function endedAtOf(record: Pick<CallRecord, 'startedAt' | 'durationSec'>): string | null {
  if (record.startedAt === null || record.durationSec === null) return null;
  return new Date(Date.parse(record.startedAt) + Math.round(record.durationSec * 1000)).toISOString();
}

export function callRowsOf(data: CallData, ctx: RowContext): CallRows {
  const { record: r, transcript, labels, recording, intelligence } = data;
  const callId = r.callId;
  return {
    callId,
    call: {
      call_id: callId,
      run_id: ctx.runId,
      request_id: r.requestId,
      customer_id: r.customerId,
      agent_id: r.agentId,
      strategy: r.strategy,
      pairing_score: r.pairingScore,
      expected_outcome: r.expectedOutcome,
      outcome: r.outcome,
      end_reason: r.endReason,
      ended_by: r.endedBy,
      turn_count: r.turnCount,
      fallback_turns: r.fallbackTurns,
      started_at: r.startedAt,
      ended_at: endedAtOf(r),
      duration_sec: r.durationSec,
      synthetic: true,
    },
    turns: transcript.turns.map((t) => ({
      call_id: callId,
      turn: t.turn,
      role: t.role,
      said: t.said,
      heard: t.heard,
      start_sec: t.startSec,
      end_sec: t.endSec,
      confidence: t.confidence,
      fallback: t.fallback,
      realized_by: t.realizedBy,
      move: t.move,
    })),
    labels: {
      call_id: callId,
      industry: labels.scenario.industry,
      issue_category: labels.scenario.issueCategory,
      issue_complexity: labels.scenario.issueComplexity,
      scenario_summary: labels.scenario.summary,
      intended_outcome: labels.intendedOutcome,
      demeanor: labels.demeanor,
      demeanor_trajectory: jsonb(labels.demeanorTrajectory),
      end_reason: labels.endReason,
      ended_by: labels.endedBy,
      source: labels.source,
      provider: labels.provider,
      model: labels.model,
      dropped_pii: labels.droppedPii.length,
      synthetic: true,
    },
    spokenPii: uniqueBy(
      labels.spokenPii.map((p) => ({
        call_id: callId,
        turn: p.turn,
        start_offset: p.start,
        end_offset: p.end,
        pii_type: p.type,
        value: p.value,
      })),
      (p) => `${p.turn}:${p.start_offset}:${p.end_offset}:${p.pii_type}`,
    ),
    recording: recording ? recordingRowOf(callId, recording, ctx.recordingFile ?? null) : null,
    intelligence: intelligence ? intelligenceRowOf(intelligence) : null,
  };
}

export function recordingRowOf(callId: string, r: RecordingCompleted, file: string | null): Row {
  return {
    call_id: callId,
    recording_sid: r.recordingSid,
    recording_url: r.recordingUrl,
    conference_sid: r.conferenceSid,
    channels: r.channels,
    duration_sec: r.durationSec,
    channel_roles: jsonb(r.channelRoles),
    completed_at: r.completedAt.toISOString(),
    file,
  };
}

export function intelligenceRowOf(i: IntelligenceRecord): Row {
  return {
    call_id: i.callId,
    transcript_sid: i.transcriptSid,
    service_sid: i.serviceSid,
    recording_sid: i.recordingSid,
    channel_roles: jsonb(i.channelRoles),
    sentences: jsonb(i.sentences),
    operator_results: jsonb(i.operatorResults),
    synthetic: true,
  };
}

export function runRowOf(run: RunInfo): Row {
  return {
    run_id: run.runId,
    source: run.source,
    seed: run.seed,
    config: jsonb(run.config),
    versions: jsonb(run.versions),
    personas: run.personas === null ? null : jsonb(run.personas),
    counts: jsonb(run.counts),
    started_at: run.startedAt,
    updated_at: run.updatedAt,
    finished_at: run.finishedAt,
    synthetic: true,
  };
}

/** A primary key may appear once per statement (ON CONFLICT cannot touch a row twice); the first one wins. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
