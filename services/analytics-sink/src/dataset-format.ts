// The dataset's format as readers see it (`synthcall report`, the console): the types of calls.jsonl, transcripts/,
// labels/ and intelligence/, the folder check, and what is computed from those files (label fidelity, turn times).
// The sink writes these files; readers in other packages use this, never the sink's wiring.
export { DatasetWriteError, ensureWritable } from './adapters/dataset-writer.js';
export {
  type CallRecord,
  type DemeanorPoint,
  type IntelligenceRecord,
  type Labels,
  type RealizedByCounts,
  type SpokenPii,
  type Transcript,
  type TranscriptTurn,
  type TurnTiming,
  turnTimes,
} from './domain/dataset.js';
export {
  type Confusion,
  computeFidelity,
  DEMEANOR_TO_SENTIMENT,
  type FidelityCall,
  type FidelityReport,
  ISSUE_CATEGORY_TO_CALL_REASON,
  OPERATOR_NAMES,
  operatorTypeOfSpoken,
  type PiiTypeScore,
  SPOKEN_PII_TO_OPERATOR_TYPE,
  UNSCORED_OPERATOR_PII_TYPES,
} from './domain/fidelity.js';
