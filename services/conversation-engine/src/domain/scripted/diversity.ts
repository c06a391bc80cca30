// How varied a set of transcripts is: the measure the scripted provider is held to (issue: "across 1,000 calls no
// two transcripts are identical and distinct-2 is at least 0.35"). One definition, used by scripts/distinct2.ts and
// the unit test, so the printed figure and the asserted one cannot drift apart.

export interface Diversity {
  calls: number;
  turns: number;
  /** Transcripts whose every line equals an earlier transcript's. */
  identicalTranscripts: number;
  distinctBigrams: number;
  totalBigrams: number;
  /** Distinct word bigrams / all word bigrams, over every line of every call. */
  distinct2: number;
  /** Context only (not the target measure): the same ratio inside each call, averaged. */
  meanPerCallDistinct2: number;
}

/** Word bigrams of one line: lowercase, words are runs of [a-z0-9'], bigrams never cross lines. */
export function wordBigrams(line: string): string[] {
  const words = line.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < words.length; i++) bigrams.push(`${words[i]} ${words[i + 1]}`);
  return bigrams;
}

/** The diversity of a set of calls, each given as its lines' texts in turn order. */
export function measureDiversity(calls: readonly (readonly string[])[]): Diversity {
  const transcripts = new Set<string>();
  const bigrams = new Set<string>();
  let identicalTranscripts = 0;
  let totalBigrams = 0;
  let turns = 0;
  let perCallSum = 0;
  for (const lines of calls) {
    turns += lines.length;
    const key = lines.join('\n');
    if (transcripts.has(key)) identicalTranscripts++;
    transcripts.add(key);
    const own = new Set<string>();
    let ownTotal = 0;
    for (const line of lines)
      for (const bigram of wordBigrams(line)) {
        bigrams.add(bigram);
        own.add(bigram);
        ownTotal++;
      }
    totalBigrams += ownTotal;
    perCallSum += own.size / Math.max(1, ownTotal);
  }
  return {
    calls: calls.length,
    turns,
    identicalTranscripts,
    distinctBigrams: bigrams.size,
    totalBigrams,
    distinct2: bigrams.size / Math.max(1, totalBigrams),
    meanPerCallDistinct2: perCallSum / Math.max(1, calls.length),
  };
}
