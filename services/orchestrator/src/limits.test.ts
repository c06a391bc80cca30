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
  const gate = (max: number, leaseMs = 0, clock = new ManualClock(0)) =>
    new ConcurrencyGate({ max, leaseMs, clock, sleep: clock.sleep });

  it('makes the next call wait until a call in flight is released, and releases idempotently', async () => {
    const g = gate(1);
    await g.acquire('a');
    let secondIn = false;
    const second = g.acquire('b').then(() => {
      secondIn = true;
    });
    await Promise.resolve();
    expect(secondIn).toBe(false);
    expect(g.waiting).toBe(1);
    expect(g.release('unknown')).toBe(false);
    expect(g.release('a')).toBe(true);
    expect(g.release('a')).toBe(false);
    await second;
    expect(secondIn).toBe(true);
    expect(g.inFlight).toBe(1);
  });

  it('takes back a slot held past its lease, measured on the injected clock', async () => {
    const clock = new ManualClock(0);
    const expired: string[] = [];
    const g = new ConcurrencyGate({
      max: 1,
      leaseMs: 60_000,
      clock,
      sleep: clock.sleep,
      onLeaseExpired: (id) => expired.push(id),
    });
    await g.acquire('a');
    clock.ms = 10_000;
    await g.acquire('b');
    expect(clock.ms).toBe(60_000);
    expect(expired).toEqual(['a']);
    expect(g.inFlight).toBe(1);
  });

  it('parks waiters for good once closed', async () => {
    const g = gate(1);
    await g.acquire('a');
    let settled = false;
    void g.acquire('b').finally(() => {
      settled = true;
    });
    g.close();
    g.release('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
  });
});
