import type { Random } from '../domain/random.js';
import type { TranscriptAnalyzer } from '../engine/ports.js';
import {
  analyzeTranscript,
  buildSentences,
  OPERATORS,
  type TwilioSentence,
  toAnalysisSentences,
} from '../intelligence/index.js';

/** Voice Intelligence analysis (wink-nlp sentiment, PII, call reason, summary) from the intelligence module. */
export const moduleTranscriptAnalyzer: TranscriptAnalyzer = {
  operators: () =>
    Object.values(OPERATORS).map((o) => ({ sid: o.sid, name: o.name, operatorType: o.operatorType })),
  sentences: ({ turns, participants, random }) =>
    buildSentences(turns, participants, { random: () => (random as Random).next() }) as unknown as Array<
      Record<string, unknown>
    >,
  operatorResults: ({ transcriptSid, sentences, participants, operators, baseUrl }) =>
    analyzeTranscript({
      transcriptSid,
      sentences: toAnalysisSentences(sentences as unknown as TwilioSentence[]),
      participants,
      operators,
      baseUrl,
    }) as unknown as Array<Record<string, unknown>>,
};
