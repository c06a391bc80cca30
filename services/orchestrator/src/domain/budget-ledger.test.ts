import { describe, expect, it } from 'vitest';
import { BudgetLedger } from './budget-ledger.js';

const day = '2026-03-02';

describe('BudgetLedger', () => {
  it('ranks the calls of a day in log order and grants them up to the cap', () => {
    const ledger = new BudgetLedger(2);
    expect(['a', 'b', 'c'].map((id) => ledger.record(id, day))).toEqual([
      { rank: 0, granted: true, day },
      { rank: 1, granted: true, day },
      { rank: 2, granted: false, day },
    ]);
  });

  it('counts a call claimed twice (a claim replayed after a crash) once, and answers the duplicate with the first decision', () => {
    const ledger = new BudgetLedger(2);
    expect(ledger.record('a', day)).toEqual({ rank: 0, granted: true, day });
    expect(ledger.record('b', day)).toEqual({ rank: 1, granted: true, day });
    expect(ledger.record('a', day)).toEqual({ rank: 0, granted: true, day });
    expect(ledger.record('c', day)).toEqual({ rank: 2, granted: false, day });
    expect(ledger.record('c', day)).toEqual({ rank: 2, granted: false, day });
  });

  it('knows the decision of a call claimed today, and nothing of other calls or other days', () => {
    const ledger = new BudgetLedger(1);
    ledger.record('a', day);
    expect(ledger.decisionFor('a', day)).toEqual({ rank: 0, granted: true, day });
    expect(ledger.decisionFor('b', day)).toBeUndefined();
    expect(ledger.decisionFor('a', '2026-03-03')).toBeUndefined();
  });

  it('starts counting from zero on a new UTC day, and counts a claim stamped with an older day in the current one', () => {
    const ledger = new BudgetLedger(1);
    ledger.record('a', day);
    expect(ledger.record('a', '2026-03-03')).toEqual({ rank: 0, granted: true, day: '2026-03-03' });
    expect(ledger.record('b', day)).toEqual({ rank: 1, granted: false, day: '2026-03-03' });
    expect(ledger.decisionFor('a', day)).toBeUndefined();
  });
});
