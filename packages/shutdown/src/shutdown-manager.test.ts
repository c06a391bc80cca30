import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShutdownError } from './errors.js';
import { type ShutdownLogger, ShutdownManager, type SignalSource } from './shutdown-manager.js';

interface LogLine {
  level: 'info' | 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

function recordingLogger(): ShutdownLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (details: object, message: string) => {
    lines.push({ level, details: details as Record<string, unknown>, message });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function signalSource(): SignalSource & EventEmitter {
  return new EventEmitter() as SignalSource & EventEmitter;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ShutdownManager', () => {
  it('runs the steps in the order they were added and exits 0 when all succeed', async () => {
    const order: string[] = [];
    const manager = new ShutdownManager({ logger: recordingLogger() })
      .add('stop intake', () => {
        order.push('stop intake');
      })
      .add('drain', async () => {
        await Promise.resolve();
        order.push('drain');
      })
      .add('close', () => {
        order.push('close');
      });

    expect(await manager.shutdown('test')).toBe(0);
    expect(order).toEqual(['stop intake', 'drain', 'close']);
    expect(manager.results.map((r) => [r.name, r.ok])).toEqual([
      ['stop intake', true],
      ['drain', true],
      ['close', true],
    ]);
  });

  it('records a failing step, still runs the later ones and exits 1', async () => {
    const logger = recordingLogger();
    const ran: string[] = [];
    const boom = new Error('broker unreachable');
    const manager = new ShutdownManager({ logger })
      .add('flush producer', () => {
        throw boom;
      })
      .add('close server', () => {
        ran.push('close server');
      });

    expect(await manager.shutdown('test')).toBe(1);
    expect(ran).toEqual(['close server']);
    const [failed] = manager.results;
    expect(failed?.ok).toBe(false);
    expect(failed?.error).toBeInstanceOf(ShutdownError);
    expect(failed?.error?.code).toBe('SYNTH_SHUTDOWN_STEP_FAILED');
    expect(failed?.error?.cause).toBe(boom);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'shutdown step failed',
        details: expect.objectContaining({ step: 'flush producer' }),
      }),
    );
  });

  it('abandons a step that outlives its timeout and moves on', async () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    const manager = new ShutdownManager({ logger: recordingLogger() })
      .add('stuck consumer', () => new Promise<void>(() => {}), { timeoutMs: 5_000 })
      .add('close server', () => {
        ran.push('close server');
      });

    const exitCode = manager.shutdown('test');
    await vi.advanceTimersByTimeAsync(5_000);

    expect(await exitCode).toBe(1);
    expect(ran).toEqual(['close server']);
    expect(manager.results[0]?.error?.code).toBe('SYNTH_SHUTDOWN_STEP_TIMEOUT');
  });

  it('uses the default timeout for steps added without one', async () => {
    vi.useFakeTimers();
    const manager = new ShutdownManager({ logger: recordingLogger(), defaultTimeoutMs: 100 }).add(
      'stuck',
      () => new Promise<void>(() => {}),
    );
    const exitCode = manager.shutdown('test');
    await vi.advanceTimersByTimeAsync(100);
    expect(await exitCode).toBe(1);
  });

  it('runs once: a second call returns the same shutdown instead of running the steps again', async () => {
    let runs = 0;
    const manager = new ShutdownManager({ logger: recordingLogger() }).add('close', () => {
      runs += 1;
    });
    const first = manager.shutdown('SIGTERM');
    const second = manager.shutdown('SIGINT');
    expect(second).toBe(first);
    await first;
    await manager.shutdown('again');
    expect(runs).toBe(1);
  });

  it('refuses steps added after shutdown started', async () => {
    const manager = new ShutdownManager({ logger: recordingLogger() });
    const done = manager.shutdown('test');
    expect(() => manager.add('late', () => {})).toThrow(
      expect.objectContaining({ code: 'SYNTH_SHUTDOWN_STARTED' }) as Error,
    );
    await done;
  });

  it('refuses two steps with the same name, so logs stay unambiguous', () => {
    const manager = new ShutdownManager({ logger: recordingLogger() }).add('close', () => {});
    expect(() => manager.add('close', () => {})).toThrow(/already registered/);
  });

  it('logs the start, each step and the end', async () => {
    const logger = recordingLogger();
    await new ShutdownManager({ logger }).add('close', () => {}).shutdown('SIGTERM');
    expect(logger.lines.map((line) => line.message)).toEqual([
      'shutdown started',
      'shutdown step done',
      'shutdown finished',
    ]);
    expect(logger.lines[0]?.details).toMatchObject({ reason: 'SIGTERM', steps: ['close'] });
    expect(logger.lines[2]?.details).toMatchObject({ exitCode: 0, failed: [] });
  });
});

describe('installSignalHandlers', () => {
  it('shuts down on SIGTERM and exits with the resulting code', async () => {
    const source = signalSource();
    const exits: number[] = [];
    const exited = new Promise<void>((resolve) => {
      new ShutdownManager({ logger: recordingLogger() })
        .add('close', () => {})
        .installSignalHandlers({
          source,
          exit: (code) => {
            exits.push(code);
            resolve();
          },
        });
    });
    source.emit('SIGTERM', 'SIGTERM');
    await exited;
    expect(exits).toEqual([0]);
  });

  it('ignores a second signal during shutdown: steps run once and exit is called once', async () => {
    const source = signalSource();
    const logger = recordingLogger();
    const exits: number[] = [];
    let runs = 0;
    let release: () => void = () => {};
    const manager = new ShutdownManager({ logger }).add(
      'drain',
      () =>
        new Promise<void>((resolve) => {
          runs += 1;
          release = resolve;
        }),
    );
    manager.installSignalHandlers({ source, exit: (code) => exits.push(code) });

    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    release();
    expect(await manager.shutdown('await')).toBe(0);
    await Promise.resolve();

    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', details: { signal: 'SIGINT' } }),
    );
  });

  it('shuts down when the parent that spawned it with an IPC channel goes away, and only then', async () => {
    const parent = Object.assign(new EventEmitter(), { connected: true });
    const exits: number[] = [];
    const logger = recordingLogger();
    const exited = new Promise<void>((resolve) => {
      new ShutdownManager({ logger })
        .add('close', () => {})
        .installSignalHandlers({
          source: signalSource(),
          parent,
          exit: (code) => {
            exits.push(code);
            resolve();
          },
        });
    });
    expect(parent.listenerCount('disconnect')).toBe(1);
    parent.emit('disconnect');
    await exited;
    expect(exits).toEqual([0]);
    expect(logger.lines[0]?.details).toMatchObject({ reason: 'parent gone' });

    const orphanless = Object.assign(new EventEmitter(), { connected: false });
    const uninstall = new ShutdownManager({ logger: recordingLogger() }).installSignalHandlers({
      source: signalSource(),
      parent: orphanless,
      exit: () => {},
    });
    expect(orphanless.listenerCount('disconnect')).toBe(0);
    uninstall();
  });

  it('registers nothing until called, and the returned function removes the handlers', () => {
    const source = signalSource();
    const manager = new ShutdownManager({ logger: recordingLogger() });
    expect(source.listenerCount('SIGTERM')).toBe(0);
    const uninstall = manager.installSignalHandlers({ source, exit: () => {} });
    expect(source.listenerCount('SIGTERM')).toBe(1);
    expect(source.listenerCount('SIGINT')).toBe(1);
    uninstall();
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(source.listenerCount('SIGINT')).toBe(0);
  });
});
