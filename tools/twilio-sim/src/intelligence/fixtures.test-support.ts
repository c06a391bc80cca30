import type { AnalysisSentence, ChannelParticipant } from './types.js';

export const PARTICIPANTS: ChannelParticipant[] = [
  { channel: 1, role: 'Customer' },
  { channel: 2, role: 'Agent' },
];

/** Builds analysis sentences from [channel, text] lines, one second apart. */
export function conversation(lines: readonly (readonly [1 | 2, string])[]): AnalysisSentence[] {
  return lines.map(([channel, transcript], i) => ({
    mediaChannel: channel,
    sentenceIndex: i,
    startTime: i * 3,
    endTime: i * 3 + 2.5,
    transcript,
    confidence: 0.93,
    words: [],
  }));
}
