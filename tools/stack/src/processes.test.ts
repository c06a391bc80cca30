import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cpuSeconds } from './processes.js';

describe('cpuSeconds', () => {
  it("reads a process's CPU time from /proc, which grows while it computes", () => {
    const before = cpuSeconds(process.pid);
    expect(before).toBeGreaterThan(0);
    // Work until the kernel has counted at least one more clock tick (bounded: a few seconds of hashing at most).
    let after = before;
    for (let i = 0; i < 2_000_000 && after === before; i++) {
      createHash('sha256').update(String(i)).digest();
      if (i % 10_000 === 0) after = cpuSeconds(process.pid);
    }
    expect(after).toBeGreaterThan(before);
  });

  it('fails for a pid that does not exist', () => {
    expect(() => cpuSeconds(2 ** 30)).toThrow(/ENOENT/);
  });
});
