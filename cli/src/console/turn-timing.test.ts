import { describe, expect, it } from 'vitest';
import { turnTimings } from './turn-timing.js';

const s = (role: string | null, startSec: number, endSec: number) => ({ role, startSec, endSec });

describe('turn timings from the recording’s sentences', () => {
  it('makes one turn of each run of one role’s sentences, from its first start to its last end', () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }, { role: 'agent' }];
    const sentences = [s('agent', 0, 2), s('agent', 2.5, 4), s('customer', 5, 6), s('agent', 7, 9)];
    expect(turnTimings(turns, sentences)).toEqual([
      { startSec: 0, endSec: 4 },
      { startSec: 5, endSec: 6 },
      { startSec: 7, endSec: 9 },
    ]);
  });

  it('orders sentences by start, and leaves a turn the recording does not hold without a timing', () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }, { role: 'agent' }];
    expect(turnTimings(turns, [s('customer', 5, 6), s('agent', 0, 2)])).toEqual([
      { startSec: 0, endSec: 2 },
      { startSec: 5, endSec: 6 },
      null,
    ]);
  });

  it('skips a run of sentences whose role no turn has at that point', () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }];
    expect(turnTimings(turns, [s(null, 0, 1), s('agent', 1, 2), s('customer', 3, 4)])).toEqual([
      { startSec: 1, endSec: 2 },
      { startSec: 3, endSec: 4 },
    ]);
  });
});
