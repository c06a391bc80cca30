import { MemoryEventBus } from '@synthcall/event-bus';
import { defaultPersonas } from '@synthcall/personas';
import { type CallLifecycle, EventCodec, LocalSchemaRegistry, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCallBudget } from './adapters/memory-call-budget.js';
import { CALLBACK_PATHS } from './domain/conference-plan.js';
import type { ConferenceRequest } from './domain/ports.js';
import { FakeTelephony } from './testing/fake-telephony.js';
import { callRequest, type Harness, ManualClock, startHarness, testConference } from './testing/harness.js';

const harnesses: Harness[] = [];

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.orchestrator.stop();
    await h.bus.close();
  }
});

async function send(h: Harness, request = callRequest()): Promise<void> {
  await h.bus.publish(TOPICS.callRequests, request.requestId, request);
}

const planned = (h: Harness) => h.read(TOPICS.calls.name, 'CallPlanned');

async function metricValue(h: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const metric = h.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

function ended(callId: string): CallLifecycle {
  return {
    eventId: `${callId}:call_ended`,
    callId,
    type: 'call_ended',
    occurredAt: new Date('2026-03-02T09:05:00.000Z'),
    conferenceSid: null,
    callSid: null,
    role: null,
    sequenceNumber: null,
    callStatus: null,
    durationSec: 60,
    endReason: 'resolved',
    endedBy: 'agent',
    detail: null,
  };
}

describe('orchestrator on CallRequested', () => {
  it.each(['matched', 'stress', 'coverage'] as const)(
    'plans N calls with deterministic ids and distinct persona pairs (%s)',
    async (strategy) => {
      const h = await harness();
      await send(h, callRequest({ count: 6, strategy }));
      await h.bus.idle();

      const calls = await planned(h);
      expect(calls.map((c) => c.callId).sort()).toEqual([
        'req-a-0000',
        'req-a-0001',
        'req-a-0002',
        'req-a-0003',
        'req-a-0004',
        'req-a-0005',
      ]);
      expect(new Set(calls.map((c) => `${c.customer.id}|${c.agent.id}`)).size).toBe(6);
      for (const call of calls) {
        expect(call).toMatchObject({ requestId: 'req-a', strategy, mode: 'simulated', maxTurns: 24 });
        expect(call.pairingScore).toBeGreaterThanOrEqual(0);
        expect(call.pairingScore).toBeLessThanOrEqual(1);
        expect(call.twilio.conferenceName).toBe(`synthcall-${call.callId}`);
      }
      expect(await metricValue(h, 'synthcall_calls_started_total', { strategy })).toBe(6);
    },
  );

  it('creates each conference with a labelled customer leg first, then the agent, and callbacks to the gateway', async () => {
    const h = await harness();
    await send(h, callRequest({ count: 2 }));
    await h.bus.idle();

    expect(h.telephony.created).toHaveLength(2);
    for (const conference of h.telephony.created) {
      const { callId } = conference;
      expect(conference.conferenceName).toBe(`synthcall-${callId}`);
      expect(conference.timeLimitSec).toBe(300);
      expect(conference.participants.map((p) => p.label)).toEqual(['customer', 'agent']);
      for (const leg of conference.participants) {
        expect(leg.from).toBe(testConference.from);
        const [app, query] = leg.to.split('?');
        expect(app).toBe(leg.role === 'customer' ? testConference.customerTo : testConference.agentTo);
        expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ callId, role: leg.role });
        const status = new URL(leg.statusCallbackUrl);
        expect(status.pathname).toBe(`/hooks${CALLBACK_PATHS.call}`);
        expect(status.searchParams.get('role')).toBe(leg.role);
      }
      for (const url of [conference.conferenceStatusCallbackUrl, conference.recordingStatusCallbackUrl]) {
        expect(url.startsWith(`${testConference.gatewayPublicUrl}/twilio/status/`)).toBe(true);
        expect(new URL(url).searchParams.get('callId')).toBe(callId);
      }
    }
  });

  it('publishes CallPlanned before it asks Twilio for the conference', async () => {
    const bus = new MemoryEventBus({ sleep: async () => {} });
    const seenAtCreation: string[][] = [];
    const telephony = new FakeTelephony();
    const create = telephony.createConference.bind(telephony);
    telephony.createConference = async (request: ConferenceRequest, pace: () => Promise<void>) => {
      seenAtCreation.push(bus.messages(TOPICS.calls.name).map((m) => m.key?.toString() ?? ''));
      return create(request, pace);
    };
    const h = await harness({ bus, telephony });
    await send(h, callRequest({ count: 2 }));
    await h.bus.idle();
    expect(seenAtCreation[0]).toContain('req-a-0000');
    expect(seenAtCreation[1]).toContain('req-a-0001');
  });

  it('plans the same pairs for the same request on another orchestrator (seeded)', async () => {
    const a = await harness();
    const b = await harness();
    await send(a, callRequest({ count: 8, strategy: 'random' }));
    await send(b, callRequest({ count: 8, strategy: 'random' }));
    await a.bus.idle();
    await b.bus.idle();
    const pairs = async (h: Harness) =>
      (await planned(h))
        .sort((x, y) => x.callId.localeCompare(y.callId))
        .map((c) => [c.callId, c.customer.id, c.agent.id, c.seed]);
    expect(await pairs(a)).toEqual(await pairs(b));
  });

  it('does not create calls twice when the request is redelivered, here or after a restart', async () => {
    const h = await harness();
    await send(h);
    await h.bus.idle();
    await send(h);
    await h.bus.idle();
    expect(h.telephony.created).toHaveLength(5);
    expect(await planned(h)).toHaveLength(5);
    expect(await metricValue(h, 'synthcall_calls_rejected_total', { reason: 'duplicate' })).toBe(5);

    // A fresh process knows nothing locally, but Twilio still has the conferences.
    const restarted = await harness({ telephony: h.telephony });
    await send(restarted);
    await restarted.bus.idle();
    expect(h.telephony.created).toHaveLength(5);
    expect(await planned(restarted)).toHaveLength(0);
  });

  it('places each call once when the request is redelivered while its first delivery still waits for a slot', async () => {
    const h = await harness({ maxConcurrentCalls: 1 });
    const first = h.orchestrator.handleRequest(callRequest({ count: 3 }));
    await vi.waitFor(() => expect(h.telephony.created).toHaveLength(1));
    const second = h.orchestrator.handleRequest(callRequest({ count: 3 }));
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(h.telephony.created.length).toBeGreaterThan(i));
      h.orchestrator.handleLifecycle(ended(h.telephony.created[i]?.callId ?? ''));
    }
    const summaries = await Promise.all([first, second]);
    expect(h.telephony.created.map((c) => c.callId)).toEqual(['req-a-0000', 'req-a-0001', 'req-a-0002']);
    expect(summaries.flatMap((s) => s.planned).sort()).toEqual(['req-a-0000', 'req-a-0001', 'req-a-0002']);
  });

  it('stops at the daily cap, and a second orchestrator sharing the budget stops too', async () => {
    const budget = new MemoryCallBudget(3);
    const first = await harness({ budget });
    await send(first, callRequest({ requestId: 'req-1', count: 5 }));
    await first.bus.idle();
    expect(first.telephony.created).toHaveLength(3);
    expect(await planned(first)).toHaveLength(3);
    expect(await metricValue(first, 'synthcall_calls_rejected_total', { reason: 'daily_cap' })).toBe(2);

    const second = await harness({ budget });
    await send(second, callRequest({ requestId: 'req-2', count: 2 }));
    await second.bus.idle();
    expect(second.telephony.created).toHaveLength(0);
    expect(await planned(second)).toHaveLength(0);
    expect(await metricValue(second, 'synthcall_calls_rejected_total', { reason: 'daily_cap' })).toBe(2);
  });

  it('grants the budget again on the next UTC day', async () => {
    const budget = new MemoryCallBudget(1);
    const clock = new ManualClock(Date.parse('2026-03-02T23:59:00.000Z'));
    const h = await harness({ budget, clock });
    await send(h, callRequest({ requestId: 'day-1', count: 2 }));
    await h.bus.idle();
    expect(h.telephony.created).toHaveLength(1);
    clock.ms = Date.parse('2026-03-03T00:01:00.000Z');
    await send(h, callRequest({ requestId: 'day-2', count: 1 }));
    await h.bus.idle();
    expect(h.telephony.created.map((c) => c.callId)).toEqual(['day-1-0000', 'day-2-0000']);
  });

  it('holds the next call until a call in flight has ended when the concurrency cap is reached', async () => {
    const h = await harness({ maxConcurrentCalls: 2 });
    await send(h, callRequest({ count: 4 }));
    await vi.waitFor(() => expect(h.telephony.created).toHaveLength(2));
    // Let every pending task run: nothing else may start while both slots are held.
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.telephony.created).toHaveLength(2);
    expect(h.orchestrator.callsInFlight).toBe(2);
    expect(await metricValue(h, 'synthcall_calls_in_flight', {})).toBe(2);

    await h.bus.publish(TOPICS.callEvents, 'req-a-0000', ended('req-a-0000'));
    await vi.waitFor(() => expect(h.telephony.created).toHaveLength(3));
    await h.bus.publish(TOPICS.callEvents, 'req-a-0001', {
      ...ended('req-a-0001'),
      type: 'conference_ended',
    });
    await h.bus.idle();
    expect(h.telephony.created.map((c) => c.callId)).toEqual([
      'req-a-0000',
      'req-a-0001',
      'req-a-0002',
      'req-a-0003',
    ]);
  });

  it('holds the simulated clock while it works on a request, not while it waits for a slot, and again from the moment a slot frees', async () => {
    // Clock holds in force after each change, with the calls placed by then.
    const seen: string[] = [];
    let held = 0;
    const h = await harness({
      maxConcurrentCalls: 1,
      holdClock: () => {
        held += 1;
        seen.push(`${held} held, ${h.telephony.created.length} placed`);
        return () => {
          held -= 1;
          seen.push(`${held} held, ${h.telephony.created.length} placed`);
        };
      },
    });
    await send(h, callRequest({ count: 2 }));
    await vi.waitFor(() => expect(seen).toContain('0 held, 1 placed'));
    // The slot's release takes the hold before anything else can run: no moment in between for the clock to move.
    h.orchestrator.handleLifecycle(ended('req-a-0000'));
    expect(held).toBe(1);
    await h.bus.idle();
    // Renewed after each call placed (a new hold before the old one goes), so no hold outlives its bound.
    expect(seen).toEqual([
      '1 held, 0 placed',
      '2 held, 1 placed',
      '1 held, 1 placed',
      '0 held, 1 placed',
      '1 held, 1 placed',
      '2 held, 2 placed',
      '1 held, 2 placed',
      '0 held, 2 placed',
    ]);
  });

  it('spaces every dialled leg by the CPS limit on the injected clock', async () => {
    const h = await harness({ twilioCps: 1 });
    const start = h.clock.ms;
    await send(h, callRequest({ count: 3 }));
    await h.bus.idle();
    expect(h.telephony.legsDialledAt.map((t) => t - start)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('takes a slot back when a call sends no end event within its lease', async () => {
    const h = await harness({ maxConcurrentCalls: 1, slotLeaseMs: 360_000 });
    const start = h.clock.ms;
    await send(h, callRequest({ count: 2 }));
    await h.bus.idle();
    expect(h.telephony.createdAt.map((t) => t - start)).toEqual([0, 360_000]);
  });

  it('leaves a request that waits for a slot unfinished on stop, so it is redelivered rather than dead-lettered', async () => {
    const bus = new MemoryEventBus({ sleep: async () => {} });
    const clock = new ManualClock();
    const telephony = new FakeTelephony();
    const budget = new MemoryCallBudget(10);
    const h = await startHarness({ bus, clock, telephony, budget, maxConcurrentCalls: 1 });
    await send(h, callRequest({ count: 3 }));
    await vi.waitFor(() => expect(telephony.created).toHaveLength(1));
    await h.orchestrator.stop();
    expect(telephony.created).toHaveLength(1);
    expect(bus.messages(TOPICS.deadLetters.name)).toHaveLength(0);

    // The replica that gets the redelivered request places only the calls that were not placed.
    const next = await harness({ telephony, budget });
    await send(next, callRequest({ count: 3 }));
    await next.bus.idle();
    expect(telephony.created.map((c) => c.callId)).toEqual(['req-a-0000', 'req-a-0001', 'req-a-0002']);
  });

  it('publishes call_failed and moves on when Twilio refuses a conference, without retrying it', async () => {
    const telephony = new FakeTelephony();
    telephony.failNext(1);
    const h = await harness({ telephony });
    await send(h, callRequest({ count: 3 }));
    await h.bus.idle();

    expect(h.telephony.created.map((c) => c.callId)).toEqual(['req-a-0001', 'req-a-0002']);
    const events = await h.read(TOPICS.callEvents.name, 'CallLifecycle');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ callId: 'req-a-0000', type: 'call_failed', endReason: 'error' });
    expect(events[0]?.detail).toContain('21217');
    expect(await metricValue(h, 'synthcall_calls_rejected_total', { reason: 'conference_failed' })).toBe(1);
    expect(h.orchestrator.callsInFlight).toBe(2);

    await send(h, callRequest({ count: 3 }));
    await h.bus.idle();
    expect(h.telephony.created).toHaveLength(2);
  });

  it('dead-letters a request whose persona filter matches nobody, naming the filter', async () => {
    const codec = new EventCodec(new LocalSchemaRegistry());
    const h = await harness({ codec, bus: new MemoryEventBus({ codec, sleep: async () => {} }) });
    await send(
      h,
      callRequest({
        // No ecommerce issue in the embedded set is harder than 3.
        customerFilter: { ids: [], industries: ['ecommerce'], minComplexity: 5, maxComplexity: 5 },
        agentFilter: null,
      }),
    );
    await h.bus.idle();
    await send(
      h,
      callRequest({
        requestId: 'req-b',
        agentFilter: { ids: ['agent-nobody'], industries: [], minComplexity: null, maxComplexity: null },
      }),
    );
    await h.bus.idle();

    const letters = await h.read(TOPICS.deadLetters.name, 'DeadLetter');
    expect(letters.map((l) => [l.errorCode, l.attempts])).toEqual([
      ['SYNTH_PERSONA_FILTER_EMPTY', 1],
      ['SYNTH_PERSONA_FILTER_EMPTY', 1],
    ]);
    expect(letters.map((l) => l.errorMessage).join('\n')).toMatch(/customerFilter[\s\S]*agentFilter/);
    expect(await planned(h)).toHaveLength(0);
  });

  it('dead-letters a request whose calls could not speak a line (maxTurns below a greeting and a reply)', async () => {
    // With one turn the greeting would be the closing line, decided before anyone answered: the call would end unspoken.
    const h = await harness();
    await send(h, callRequest({ requestId: 'req-one-turn', maxTurns: 1 }));
    await h.bus.idle();
    const letters = await h.read(TOPICS.deadLetters.name, 'DeadLetter');
    expect(letters.map((l) => [l.errorCode, l.errorMessage])).toEqual([
      ['SYNTH_REQUEST_INVALID', expect.stringMatching(/maxTurns must be 2 or more .*got 1/)],
    ]);
    expect(await planned(h)).toHaveLength(0);
  });

  it('dead-letters a live request sent to an orchestrator that places simulated calls, and a request for no calls', async () => {
    const h = await harness();
    await send(h, callRequest({ mode: 'live' }));
    await h.bus.idle();
    await send(h, callRequest({ requestId: 'req-none', count: 0 }));
    await h.bus.idle();
    const letters = await h.read(TOPICS.deadLetters.name, 'DeadLetter');
    expect(letters.map((l) => l.errorCode)).toEqual(['SYNTH_REQUEST_INVALID', 'SYNTH_REQUEST_INVALID']);
    expect(letters.map((l) => l.errorMessage).join('\n')).toMatch(/live[\s\S]*count must be from 1/);
    expect(h.telephony.created).toHaveLength(0);
  });

  it('dead-letters a request whose id is no valid id (a path, spaces, unicode, too long) and places nothing for it', async () => {
    const h = await harness();
    const bad = ['../x', '../../etc/cron.d/x', 'has space', 'caf\u00e9', 'nul\u0000', 'x'.repeat(65)];
    for (const requestId of bad) {
      await send(h, callRequest({ requestId }));
      await h.bus.idle();
    }
    const letters = await h.read(TOPICS.deadLetters.name, 'DeadLetter');
    expect(letters.map((l) => [l.errorCode, l.attempts])).toEqual(
      bad.map(() => ['SYNTH_REQUEST_ID_INVALID', 1]),
    );
    expect(letters[0]?.errorMessage).toContain('requestId "../x" must consist of ASCII letters, digits');
    expect(await planned(h)).toHaveLength(0);
    expect(h.telephony.created).toHaveLength(0);
    expect(await metricValue(h, 'synthcall_calls_started_total', { strategy: 'matched' })).toBe(0);
  });

  it('applies the request filters to the personas it pairs', async () => {
    const h = await harness();
    await send(
      h,
      callRequest({
        count: 6,
        customerFilter: { ids: [], industries: ['banking'], minComplexity: null, maxComplexity: null },
        agentFilter: { ids: [], industries: [], minComplexity: 4, maxComplexity: null },
      }),
    );
    await h.bus.idle();
    const personas = defaultPersonas();
    const banking = new Set(personas.customers.filter((c) => c.industry === 'banking').map((c) => c.id));
    const senior = new Set(personas.agents.filter((a) => a.competence >= 4).map((a) => a.id));
    const calls = await planned(h);
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      expect(banking.has(call.customer.id)).toBe(true);
      expect(senior.has(call.agent.id)).toBe(true);
    }
  });
});
