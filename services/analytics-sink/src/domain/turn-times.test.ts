import { describe, expect, it } from 'vitest';
import { turnTimes } from './dataset.js';

const s = (role: string | null, startSec: number, endSec: number) => ({ role, startSec, endSec });

describe("turn times from the recording's sentences", () => {
  it("makes one turn of each run of one role's sentences, from its first start to its last end", () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }, { role: 'agent' }];
    const sentences = [s('agent', 0, 2), s('agent', 2.5, 4), s('customer', 5, 6), s('agent', 7, 9)];
    expect(turnTimes(turns, sentences)).toEqual([
      { startSec: 0, endSec: 4 },
      { startSec: 5, endSec: 6 },
      { startSec: 7, endSec: 9 },
    ]);
  });

  it('orders sentences by start, and times no turn the recording does not hold', () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }, { role: 'agent' }];
    expect(turnTimes(turns, [s('customer', 5, 6), s('agent', 0, 2)])).toEqual([
      { startSec: 0, endSec: 2 },
      { startSec: 5, endSec: 6 },
    ]);
  });

  it('leaves out sentences of no known role', () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }];
    expect(turnTimes(turns, [s(null, 0, 1), s('agent', 1, 2), s('customer', 3, 4)])).toEqual([
      { startSec: 1, endSec: 2 },
      { startSec: 3, endSec: 4 },
    ]);
  });

  it("stops at the first run whose role is not its turn's", () => {
    const turns = [{ role: 'agent' }, { role: 'customer' }];
    expect(turnTimes(turns, [s('customer', 0, 1), s('agent', 1, 2)])).toEqual([]);
  });
});
