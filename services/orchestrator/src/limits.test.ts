import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, CpsLimiter } from './limits.js';
import { ManualClock } from './testing/harness.js';

describe('CpsLimiter', () => {
  it('spaces acquisitions 1/cps seconds apart on the injected clock', async () => {
    const clock = new ManualClock(0);
    const limiter = new CpsLimiter(2, clock, clock.sleep);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire();
      times.push(clock.ms);
    }
    expect(times).toEqual([0, 500, 1000, 1500]);
  });

  it('does not wait when calls are already further apart than the limit', async () => {
    const clock = new ManualClock(0);
    const limiter = new CpsLimiter(1, clock, clock.sleep);
    await limiter.acquire();
    clock.ms = 5_000;
    await limiter.acquire();
    expect(clock.ms).toBe(5_000);
  });

  it('never waits when the limit is 0 (off)', async () => {
    const clock = new ManualClock(0);
    const limiter = new CpsLimiter(0, clock, clock.sleep);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(clock.ms).toBe(0);
  });
});

describe('ConcurrencyGate', () => {
  it('makes the next call wait until a call in flight is released, and releases idempotently', async () => {
    const gate = new ConcurrencyGate(1);
    await gate.acquire('a');
    let secondIn = false;
    const second = gate.acquire('b').then(() => {
      secondIn = true;
    });
    await Promise.resolve();
    expect(secondIn).toBe(false);
    expect(gate.waiting).toBe(1);
    expect(gate.release('unknown')).toBe(false);
    expect(gate.release('a')).toBe(true);
    expect(gate.release('a')).toBe(false);
    await second;
    expect(secondIn).toBe(true);
    expect(gate.inFlight).toBe(1);
  });

  it('fails waiters with SYNTH_SHUTTING_DOWN when closed', async () => {
    const gate = new ConcurrencyGate(1);
    await gate.acquire('a');
    const waiting = gate.acquire('b');
    gate.close();
    await expect(waiting).rejects.toMatchObject({ code: 'SYNTH_SHUTTING_DOWN' });
  });
});
