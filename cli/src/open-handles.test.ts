import { createHook } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSegmentReceiver } from '@synthcall/analytics-sink/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generate } from './embedded.js';
import { testGenerateOptions } from './testing/generate-options.js';

// A run that returns must leave nothing behind: no timer waiting to fire, no socket, server or thread open. Each one is a
// leak in a long-lived process (the console, a test runner) and, at thousands of calls a minute, memory.

// WORKER: the Voice Intelligence thread (transcriptionThreads) must be terminated too, or the process cannot exit.
const WATCHED = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'WORKER']);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Records the handles of WATCHED types created while enabled and not destroyed since, with where they were made. */
function watchHandles() {
  const open = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (!WATCHED.has(type)) return;
      const frames = (new Error().stack ?? '')
        .split('\n')
        .slice(2)
        .filter((f) => !/\(?node:/.test(f.trim().split(' ').at(-1) ?? ''));
      // The test runner's own timers are not the run's: judged by the frame that created the handle only, since
      // a timer the run creates synchronously has the runner's frames further down its stack.
      if (/node_modules\/(vitest|@vitest|tinypool)\//.test(frames[0] ?? '')) return;
      open.set(id, `${type} ${frames.slice(0, 4).join(' <')}`);
    },
    destroy(id) {
      open.delete(id);
    },
  });
  return { open, hook };
}

describe('synthcall generate: nothing left open', () => {
  it('leaves no timer, socket, server or worker thread of its own once it has returned', async () => {
    const { open, hook } = watchHandles();
    const out = await mkdtemp(join(tmpdir(), 'synthcall-handles-'));
    dirs.push(out);
    hook.enable();
    try {
      const summary = await generate(testGenerateOptions(out, { calls: 4 }));
      expect(summary.finished).toBe(4);
      // Sockets close a moment after their server does; nothing should be left once they have.
      await vi.waitFor(() => expect([...open.values()]).toEqual([]), { timeout: 5_000, interval: 100 });
    } finally {
      hook.disable();
    }
  }, 180_000);

  it('leaves nothing open either when the Segment calls go to a Segment-compatible API', async () => {
    // Started before the hook: the receiver is the test's; its sockets to the run's client are counted on its side.
    const receiver = await startSegmentReceiver('handles-key');
    const { open, hook } = watchHandles();
    const out = await mkdtemp(join(tmpdir(), 'synthcall-handles-'));
    dirs.push(out);
    hook.enable();
    try {
      const summary = await generate(
        testGenerateOptions(out, { calls: 4, segment: { writeKey: 'handles-key', host: receiver.url } }),
      );
      expect(summary.finished).toBe(4);
      expect(receiver.messages.length).toBeGreaterThan(0);
      // The run's Segment client sent everything before it returned and closed its connections to the API: at once,
      // not when their keep-alive runs out (4 s with the global fetch).
      await vi.waitFor(async () => expect(await receiver.connections()).toBe(0), {
        timeout: 1_000,
        interval: 50,
      });
      await vi.waitFor(() => expect([...open.values()]).toEqual([]), { timeout: 5_000, interval: 100 });
    } finally {
      hook.disable();
      await receiver.close();
    }
  }, 180_000);
});
