import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger, type Logger } from '@synthcall/logging';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import { defaultPersonas, type PersonaSet } from '@synthcall/personas';
import type { CallRequested, EventSchemaName, EventTypes } from '@synthcall/schemas';
import { EventCodec, LocalSchemaRegistry } from '@synthcall/schemas';
import { MemoryCallBudget } from '../adapters/memory-call-budget.js';
import type { ConferenceSettings } from '../domain/conference-plan.js';
import type { CallBudget, Clock } from '../domain/ports.js';
import { orchestratorMetrics } from '../metrics.js';
import { Orchestrator, type OrchestratorDeps } from '../orchestrator.js';
import { FakeTelephony } from './fake-telephony.js';

/** A clock tests move by hand; `sleep` moves it instead of waiting. */
export class ManualClock implements Clock {
  constructor(public ms = Date.parse('2026-03-02T09:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  readonly sleep = async (ms: number): Promise<void> => {
    this.ms += ms;
  };
}

export const testConference: ConferenceSettings = {
  from: '+15005550006',
  customerTo: 'app:AP0000000000000000000000000000c001',
  agentTo: 'app:AP0000000000000000000000000000a001',
  gatewayPublicUrl: 'https://gateway.example.test/hooks',
  timeLimitSec: 300,
};

export function silentLogger(): Logger {
  return createLogger({
    service: 'orchestrator',
    version: 'test',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
}

/** What every test orchestrator shares: a silent logger, simulated calls, no rate or concurrency limit. */
export function testOrchestratorSettings(): Pick<
  OrchestratorDeps,
  'logger' | 'conference' | 'callMode' | 'twilioCps' | 'maxConcurrentCalls'
> {
  return {
    logger: silentLogger(),
    conference: testConference,
    callMode: 'simulated',
    twilioCps: 0,
    maxConcurrentCalls: 0,
  };
}

export interface Harness {
  bus: MemoryEventBus;
  codec: EventCodec;
  clock: ManualClock;
  telephony: FakeTelephony;
  budget: CallBudget;
  registry: Registry;
  orchestrator: Orchestrator;
  /** Decoded values of a topic, in partition order. */
  read<S extends EventSchemaName>(topic: string, schema: S): Promise<EventTypes[S][]>;
}

export async function startHarness(
  overrides: Partial<OrchestratorDeps> & { bus?: MemoryEventBus; codec?: EventCodec } = {},
): Promise<Harness> {
  const codec = overrides.codec ?? new EventCodec(new LocalSchemaRegistry());
  const bus = overrides.bus ?? new MemoryEventBus({ codec, sleep: async () => {} });
  const clock = overrides.clock instanceof ManualClock ? overrides.clock : new ManualClock();
  const telephony =
    overrides.telephony instanceof FakeTelephony ? overrides.telephony : new FakeTelephony(() => clock.ms);
  const budget = overrides.budget ?? new MemoryCallBudget(1000);
  const registry = createMetricsRegistry({ service: 'orchestrator', version: 'test', defaultMetrics: false });
  const personas: PersonaSet = overrides.personas ?? defaultPersonas();
  const orchestrator = new Orchestrator({
    bus,
    personas,
    telephony,
    budget,
    clock,
    sleep: clock.sleep,
    metrics: orchestratorMetrics(registry),
    ...testOrchestratorSettings(),
    instanceId: 'test-1',
    ...overrides,
  });
  await orchestrator.start();
  return {
    bus,
    codec,
    clock,
    telephony,
    budget,
    registry,
    orchestrator,
    read: async (topic, schema) =>
      Promise.all(bus.messages(topic).map((m) => codec.decode({ name: topic, schema }, m.value as Buffer))),
  };
}

export function callRequest(overrides: Partial<CallRequested> = {}): CallRequested {
  return {
    requestId: 'req-a',
    requestedAt: new Date('2026-03-02T08:59:00.000Z'),
    count: 5,
    strategy: 'matched',
    customerFilter: null,
    agentFilter: null,
    seed: 'seed-a',
    mode: 'simulated',
    maxTurns: 24,
    requestedBy: 'test',
    ...overrides,
  };
}
