-- Labels from the engine's GroundTruthRecorded (every provider): who put each spoken line into words and the
-- director's move for it, and which provider and model realized the call. Rows written before this migration keep
-- NULL (not known then) and 0 dropped spans.

-- Up Migration

-- transcripts/<callId>.json realizedBy and move: NULL when no ground truth recorded the words that were spoken.
ALTER TABLE turns
  ADD COLUMN realized_by text CHECK (realized_by IN ('model', 'template', 'fallback')),
  ADD COLUMN move        text;

-- labels/<callId>.json provider, model and droppedPii (spans of the ground truth not in the spoken text, counted).
ALTER TABLE labels
  ADD COLUMN provider    text,
  ADD COLUMN model       text,
  ADD COLUMN dropped_pii integer NOT NULL DEFAULT 0 CHECK (dropped_pii >= 0);

-- Down Migration

ALTER TABLE labels
  DROP COLUMN dropped_pii,
  DROP COLUMN model,
  DROP COLUMN provider;

ALTER TABLE turns
  DROP COLUMN move,
  DROP COLUMN realized_by;
