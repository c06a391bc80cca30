import { createHook } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('synthcall generate: nothing left open', () => {
  it('leaves no timer, socket, server or worker thread of its own once it has returned', async () => {
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
});
