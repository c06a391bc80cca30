import { describe, expect, it } from 'vitest';
import { MemoryCallBudget } from './memory-call-budget.js';

const morning = new Date('2026-03-02T09:00:00.000Z');

describe('MemoryCallBudget', () => {
  it('grants claims in order up to the daily cap and refuses the rest', async () => {
    const budget = new MemoryCallBudget(2);
    const decisions = await Promise.all(['a', 'b', 'c'].map((id) => budget.claim(id, morning)));
    expect(decisions.map((d) => [d.rank, d.granted, d.day])).toEqual([
      [0, true, '2026-03-02'],
      [1, true, '2026-03-02'],
      [2, false, '2026-03-02'],
    ]);
  });

  it('answers a repeated claim for the same call with its first decision instead of counting it again', async () => {
    const budget = new MemoryCallBudget(2);
    await budget.claim('a', morning);
    expect(await budget.claim('a', morning)).toMatchObject({ rank: 0, granted: true });
    expect(await budget.claim('b', morning)).toMatchObject({ rank: 1, granted: true });
  });

  it('starts counting from zero on a new UTC day', async () => {
    const budget = new MemoryCallBudget(1);
    await budget.claim('a', new Date('2026-03-02T23:59:59.999Z'));
    expect(await budget.claim('b', new Date('2026-03-03T00:00:00.000Z'))).toMatchObject({
      rank: 0,
      granted: true,
      day: '2026-03-03',
    });
  });
});
