import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { isAlive } from './processes.js';
import { freeStackPorts, startLocalStack, stopLocalStack } from './stack.js';

describe('local stack lifecycle', () => {
  it('up, up again, then down: the second up only re-provisions, and down leaves no process or data', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'synthcall-stack-test-')), 'stack');
    const ports = await freeStackPorts();
    const first = await startLocalStack({ dir, ports });
    try {
      expect(first.alreadyRunning).toBe(false);
      expect(first.provisioned.created).toContain(TOPICS.conversationState.name);
      expect(first.provisioned.subjects).toHaveLength(Object.keys(TOPICS).length);
      expect(isAlive(first.kafkaPid) && isAlive(first.registryPid)).toBe(true);

      const second = await startLocalStack({ dir, ports });
      expect(second.alreadyRunning).toBe(true);
      expect(second.kafkaPid).toBe(first.kafkaPid);
      expect(second.provisioned.created).toEqual([]);
      expect(second.provisioned.subjects.map((s) => s.id)).toEqual(
        first.provisioned.subjects.map((s) => s.id),
      );
    } finally {
      await stopLocalStack({ dir });
    }
    expect(isAlive(first.kafkaPid)).toBe(false);
    expect(isAlive(first.registryPid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }, 240_000);
});
