-- The dataset layout of ARCHITECTURE.md as tables: one row per call in calls, its children keyed by call_id.
-- Applied by node-pg-migrate (src/adapters/postgres-migrations.ts), which records it in pgmigrations.

-- Up Migration

-- manifest.json: a `synthcall generate` run, or one start of the analytics-sink service.
CREATE TABLE runs (
  run_id      text PRIMARY KEY,
  source      text NOT NULL CHECK (source IN ('synthcall generate', 'analytics-sink')),
  seed        text,
  config      jsonb NOT NULL,
  versions    jsonb NOT NULL,
  personas    jsonb,
  counts      jsonb NOT NULL,
  started_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  finished_at timestamptz,
  synthetic   boolean NOT NULL DEFAULT true CHECK (synthetic)
);

-- calls.jsonl. run_id is the run that last wrote the call: the same seed gives the same call ids.
CREATE TABLE calls (
  call_id          text PRIMARY KEY,
  run_id           text NOT NULL REFERENCES runs (run_id),
  request_id       text NOT NULL,
  customer_id      text NOT NULL,
  agent_id         text NOT NULL,
  strategy         text NOT NULL,
  pairing_score    double precision NOT NULL,
  expected_outcome text NOT NULL,
  outcome          text,
  end_reason       text,
  ended_by         text,
  turn_count       integer NOT NULL,
  fallback_turns   integer NOT NULL,
  started_at       timestamptz,
  ended_at         timestamptz,
  duration_sec     double precision,
  synthetic        boolean NOT NULL DEFAULT true CHECK (synthetic)
);
CREATE INDEX calls_run_id ON calls (run_id);
CREATE INDEX calls_request_id ON calls (request_id);

-- transcripts/<callId>.json: what each role said and what the other leg heard.
CREATE TABLE turns (
  call_id    text NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
  turn       integer NOT NULL,
  role       text NOT NULL,
  said       text NOT NULL,
  heard      text,
  start_sec  double precision,
  end_sec    double precision,
  confidence double precision,
  fallback   boolean NOT NULL,
  PRIMARY KEY (call_id, turn)
);

-- labels/<callId>.json without the PII list (spoken_pii below).
CREATE TABLE labels (
  call_id             text PRIMARY KEY REFERENCES calls (call_id) ON DELETE CASCADE,
  industry            text NOT NULL,
  issue_category      text NOT NULL,
  issue_complexity    integer NOT NULL,
  scenario_summary    text NOT NULL,
  intended_outcome    text NOT NULL,
  demeanor            text NOT NULL,
  demeanor_trajectory jsonb NOT NULL,
  end_reason          text,
  ended_by            text,
  source              text NOT NULL CHECK (source IN ('provider', 'plan')),
  synthetic           boolean NOT NULL DEFAULT true CHECK (synthetic)
);

-- labels/<callId>.json spokenPii: offsets are characters into the turn's said text, end exclusive.
CREATE TABLE spoken_pii (
  call_id      text NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
  turn         integer NOT NULL,
  start_offset integer NOT NULL,
  end_offset   integer NOT NULL,
  pii_type     text NOT NULL,
  value        text NOT NULL,
  PRIMARY KEY (call_id, turn, start_offset, end_offset, pii_type)
);

-- The call's dual-channel recording; file is recordings/<callId>.wav in the dataset folder when audio was written.
CREATE TABLE recordings (
  call_id        text PRIMARY KEY REFERENCES calls (call_id) ON DELETE CASCADE,
  recording_sid  text NOT NULL,
  recording_url  text NOT NULL,
  conference_sid text,
  channels       integer NOT NULL,
  duration_sec   double precision NOT NULL,
  channel_roles  jsonb NOT NULL,
  completed_at   timestamptz NOT NULL,
  file           text
);

-- intelligence/<callId>.json: Voice Intelligence sentences and operator results as Twilio returned them.
CREATE TABLE intelligence (
  call_id          text PRIMARY KEY REFERENCES calls (call_id) ON DELETE CASCADE,
  transcript_sid   text NOT NULL,
  service_sid      text NOT NULL,
  recording_sid    text,
  channel_roles    jsonb NOT NULL,
  sentences        jsonb NOT NULL,
  operator_results jsonb NOT NULL,
  synthetic        boolean NOT NULL DEFAULT true CHECK (synthetic)
);

-- Down Migration

DROP TABLE intelligence;
DROP TABLE recordings;
DROP TABLE spoken_pii;
DROP TABLE labels;
DROP TABLE turns;
DROP TABLE calls;
DROP TABLE runs;
