export { agentsFor, uncoveredCustomers } from './coverage.js';
export { formatIssue, PersonaError, type PersonaErrorReason, type PersonaIssue } from './errors.js';
export { drawIssue, firstSentence, issueChoices, OWN_ISSUE_SHARE, withPlannedIssue } from './issues.js';
export {
  defaultPersonas,
  EMBEDDED_AGENTS_FILE,
  EMBEDDED_CUSTOMERS_FILE,
  type LoadPersonasOptions,
  loadPersonaFile,
  loadPersonas,
  type ParseOptions,
  type PersonaFileContents,
  type PersonaFileFormat,
  parsePersonas,
} from './load.js';
export {
  expectedOutcome,
  hasTolerantTrigger,
  isSkilledFor,
  type Outcome,
  PROVOKING_ATTITUDES,
} from './outcome.js';
export { FALLBACK_COMPANY, fillPlaceholders, type PlaceholderValues } from './placeholders.js';
export * from './schema.js';
export {
  alignWords,
  spokenWords,
  type WordErrors,
  wordErrorRate,
  wordErrors,
  wordTokens,
} from './words.js';
