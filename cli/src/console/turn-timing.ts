/** Where a turn sits in the recording, seconds from its start. */
export interface TurnTiming {
  startSec: number;
  endSec: number;
}

interface TimedSentence {
  role: string | null;
  startSec: number;
  endSec: number;
}

/**
 * Places each turn in the recording from the Voice Intelligence sentences when the transcript has no timings of its
 * own: a turn is one role speaking, so the sentences of one role in a row are one turn, and the turns' roles are
 * matched to those runs in order (a run of the other role than the turn's is a line nobody planned, and is skipped).
 * A turn with no run left (a farewell cut off by the hangup) has no timing.
 */
export function turnTimings(
  turns: ReadonlyArray<{ role: string }>,
  sentences: readonly TimedSentence[],
): Array<TurnTiming | null> {
  const runs: Array<{ role: string | null } & TurnTiming> = [];
  for (const s of [...sentences].sort((a, b) => a.startSec - b.startSec)) {
    const last = runs.at(-1);
    if (last && last.role === s.role) last.endSec = Math.max(last.endSec, s.endSec);
    else runs.push({ role: s.role, startSec: s.startSec, endSec: s.endSec });
  }
  let next = 0;
  return turns.map((turn) => {
    while (next < runs.length && runs[next]?.role !== turn.role) next += 1;
    const run = runs[next];
    if (!run) return null;
    next += 1;
    return { startSec: run.startSec, endSec: run.endSec };
  });
}
