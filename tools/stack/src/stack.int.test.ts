import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { kafkaAnswers } from './kafka.js';
import { isAlive } from './processes.js';
import { provision } from './provision.js';
import {
  freeStackPorts,
  readState,
  startLocalStack,
  startStackBroker,
  stopLocalStack,
  stopStackBroker,
} from './stack.js';

describe('local stack lifecycle', () => {
  it('up, up again, broker stopped and started, then down: the second up only re-provisions, the broker comes back with its topics, and down leaves no process or data', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'synthcall-stack-test-')), 'stack');
    const ports = await freeStackPorts();
    const first = await startLocalStack({ dir, ports });
    let kafkaPid = first.kafkaPid;
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

      // The broker alone goes away and comes back on the same port with the same data; the registry stays up.
      await stopStackBroker({ dir });
      expect(isAlive(first.kafkaPid)).toBe(false);
      expect(isAlive(first.registryPid)).toBe(true);
      expect(await kafkaAnswers(first.brokers).catch(() => false)).toBe(false);
      kafkaPid = await startStackBroker({ dir });
      expect(kafkaPid).not.toBe(first.kafkaPid);
      expect(readState(dir)?.kafkaPid).toBe(kafkaPid);
      expect(await kafkaAnswers(first.brokers)).toBe(true);
      expect((await provision({ brokers: first.brokers, registryUrl: first.registryUrl })).created).toEqual(
        [],
      );
    } finally {
      await stopLocalStack({ dir });
    }
    expect(isAlive(kafkaPid)).toBe(false);
    expect(isAlive(first.registryPid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }, 240_000);
});
