import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('jumps to each scheduled event in time order, ties in scheduling order', async () => {
    const clock = new VirtualClock({ startMs: 1_000, quietMs: 0 });
    const seen: string[] = [];
    clock.at(5_000, () => seen.push(`b@${clock.now()}`));
    clock.at(2_000, () => seen.push(`a@${clock.now()}`));
    clock.at(5_000, () => seen.push(`c@${clock.now()}`));
    await clock.sleep(10_000);
    expect(seen).toEqual(['a@2000', 'b@5000', 'c@5000']);
    expect(clock.now()).toBe(11_000);
    clock.close();
  });

  it('does not move while tracked work is in flight', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    let fired = false;
    clock.at(100, () => {
      fired = true;
    });
    let finish!: () => void;
    const work = clock.track(new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    expect(clock.now()).toBe(0);
    finish();
    await work;
    await clock.sleep(200);
    expect(fired).toBe(true);
    clock.close();
  });

  it('runs what is due while held but does not advance until released', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const release = clock.hold(10_000);
    const seen: number[] = [];
    clock.at(0, () => seen.push(clock.now()));
    clock.at(50, () => seen.push(clock.now()));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([0]);
    release();
    await clock.sleep(100);
    expect(seen).toEqual([0, 50]);
    clock.close();
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new VirtualClock({ startMs: 0, quietMs: 0 });
    const hold = clock.hold(10_000);
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort('hung up');
    await expect(sleeping).rejects.toBe('hung up');
    hold();
    clock.close();
  });

  it("moves a call's clock on while another call's work is in flight", async () => {
    const sim = new VirtualClock({ startMs: 0, quietMs: 0 });
    const busyCall = sim.forCall();
    const freeCall = sim.forCall();
    let finish!: () => void;
    const work = busyCall.track(new Promise<void>((resolve) => (finish = resolve)));
    let busyFired = false;
    busyCall.at(100, () => {
      busyFired = true;
    });
    await freeCall.sleep(5_000);
    expect(freeCall.now()).toBe(5_000);
    expect(busyFired).toBe(false);
    expect(busyCall.now()).toBe(0);
    finish();
    await work;
    await busyCall.sleep(200);
    expect(busyFired).toBe(true);
    sim.close();
  });

  it("starts a new call's clock at the latest instant any call reached", async () => {
    const sim = new VirtualClock({ startMs: 1_000, quietMs: 0 });
    const first = sim.forCall();
    await first.sleep(4_000);
    expect(sim.now()).toBe(5_000);
    expect(sim.forCall().now()).toBe(5_000);
    sim.close();
  });

  it("stops every call's clock while the sim's clock is held", async () => {
    const sim = new VirtualClock({ startMs: 0, quietMs: 0 });
    const call = sim.forCall();
    const release = sim.hold(10_000);
    let fired = false;
    call.at(50, () => {
      fired = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    release();
    await call.sleep(100);
    expect(fired).toBe(true);
    sim.close();
  });

  it('gives every call the one clock with scope "run"', () => {
    const sim = new VirtualClock({ startMs: 0, quietMs: 0, scope: 'run' });
    expect(sim.forCall()).toBe(sim);
    sim.close();
  });
});
