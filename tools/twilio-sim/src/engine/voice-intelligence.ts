import type { TranscriptAnalyzer } from './ports.js';
import type { Telephony } from './telephony.js';

/** Voice Intelligence v2: services, transcripts of recordings, sentences and operator results. */
export class VoiceIntelligence {
  constructor(
    readonly t: Telephony,
    readonly analyzer: TranscriptAnalyzer | undefined,
    readonly baseUrl: () => string,
  ) {}
}
