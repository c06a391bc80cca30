import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { ConfigError } from '@synthcall/config';
import { createMetricsRegistry } from '@synthcall/metrics';
import type { SignalSource } from '@synthcall/shutdown';
import { describe, expect, it } from 'vitest';
import { createOpsServer } from './ops-server.js';
import { type BaseServiceConfig, readPackageVersion, runService } from './run-service.js';

const config: BaseServiceConfig = { OPS_PORT: 0, OPS_HOST: '127.0.0.1', LOG_LEVEL: 'info' };

function logSink() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, destination };
}

describe('runService', () => {
  it('prints the config error naming the variable and exits 1 without starting anything', async () => {
    const stderr: string[] = [];
    const exits: number[] = [];
    let appBuilt = false;
    await runService({
      service: 'orchestrator',
      version: '0.1.0',
      loadConfig: () => {
        throw new ConfigError([{ variable: 'OPS_PORT', reason: 'must be an integer' }]);
      },
      createApp: () => {
        appBuilt = true;
        throw new Error('unreachable');
      },
      writeStderr: (text) => stderr.push(text),
      exit: (code) => exits.push(code),
    });
    expect(exits).toEqual([1]);
    expect(stderr.join('')).toContain('orchestrator: Invalid configuration');
    expect(stderr.join('')).toContain('OPS_PORT: must be an integer');
    expect(appBuilt).toBe(false);
  });

  it('rethrows errors that are not config errors', async () => {
    await expect(
      runService({
        service: 's',
        version: 'v',
        loadConfig: () => {
          throw new TypeError('bug');
        },
        createApp: () => {
          throw new Error('unreachable');
        },
        exit: () => {},
      }),
    ).rejects.toThrow('bug');
  });

  it('listens, then on SIGTERM turns unready, runs the app steps, closes the ops server and exits 0', async () => {
    const source = new EventEmitter() as EventEmitter & SignalSource;
    const { lines, destination } = logSink();
    const order: string[] = [];
    let readyDuringStep: number | undefined;
    let url = '';
    const exited = new Promise<number>((resolve) => {
      void runService({
        service: 'orchestrator',
        version: '0.1.0',
        loadConfig: () => config,
        createApp: ({ registry, logger }) => {
          const ops = createOpsServer({ registry, logger });
          return {
            ops,
            shutdownSteps: [
              {
                name: 'stop consumers',
                run: async () => {
                  readyDuringStep = (await fetch(`${url}/readyz`)).status;
                  order.push('stop consumers');
                },
              },
            ],
          };
        },
        exit: resolve,
        signalSource: source,
        logDestination: destination,
      }).then(() => {
        const listening = lines.find((line) => line.msg === 'ops server listening');
        url = `http://127.0.0.1:${String(listening?.port)}`;
        source.emit('SIGTERM', 'SIGTERM');
      });
    });

    expect(await exited).toBe(0);
    expect(order).toEqual(['stop consumers']);
    expect(readyDuringStep).toBe(503);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const finished = lines.find((line) => line.msg === 'shutdown finished');
    expect(finished).toMatchObject({
      service: 'orchestrator',
      version: '0.1.0',
      exitCode: 0,
      reason: 'SIGTERM',
    });
    const started = lines.find((line) => line.msg === 'shutdown started');
    expect(started?.steps).toEqual(['mark not ready', 'stop consumers', 'close ops server']);
  });

  it('exits 1 when the ops port is already taken', async () => {
    const registry = createMetricsRegistry({ service: 'x', version: 'v', defaultMetrics: false });
    const blocker = createOpsServer({ registry });
    const { port } = await blocker.listen(0);
    try {
      const exits: number[] = [];
      const stderr: string[] = [];
      const { destination, lines } = logSink();
      await runService({
        service: 's',
        version: 'v',
        loadConfig: () => ({ ...config, OPS_PORT: port }),
        createApp: (context) => ({ ops: createOpsServer({ registry: context.registry }), shutdownSteps: [] }),
        writeStderr: (text) => stderr.push(text),
        exit: (code) => exits.push(code),
        signalSource: new EventEmitter() as EventEmitter & SignalSource,
        logDestination: destination,
      });
      expect(exits).toEqual([1]);
      expect(lines.find((line) => line.level === 'fatal')?.msg).toBe('ops server could not start');
      expect(stderr).toEqual([
        `s: cannot listen on 127.0.0.1:${port}: the port is in use. Stop what listens there or choose another port (PORT, OPS_PORT).\n`,
      ]);
    } finally {
      await blocker.close();
    }
  });
});

describe('runService: a createApp that fails', () => {
  it('prints one line with the reason (no stack) and exits 1, never an unhandled rejection', async () => {
    const exits: number[] = [];
    const stderr: string[] = [];
    const { destination, lines } = logSink();
    await runService({
      service: 'orchestrator',
      version: 'v',
      loadConfig: () => config,
      createApp: () => {
        throw Object.assign(new Error('agents.json is not UTF-8 text'), { code: 'SYNTH_PERSONA_INVALID' });
      },
      writeStderr: (text) => stderr.push(text),
      exit: (code) => exits.push(code),
      signalSource: new EventEmitter() as EventEmitter & SignalSource,
      logDestination: destination,
    });
    expect(exits).toEqual([1]);
    expect(stderr).toEqual(['orchestrator: SYNTH_PERSONA_INVALID: agents.json is not UTF-8 text\n']);
    expect(lines.find((line) => line.level === 'fatal')?.msg).toBe('service could not start');
  });
});

describe('readPackageVersion', () => {
  it('reads the version of the package that owns the calling module', () => {
    expect(readPackageVersion(import.meta.url)).toBe('0.1.0');
  });
});
