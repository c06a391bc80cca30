import { type EventBus, MemoryEventBus } from '@synthcall/event-bus';
import { type AgentPersona, type CustomerPersona, defaultPersonas } from '@synthcall/personas';
import { TOPICS } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { callContext } from '../domain/context.js';
import { newCall, withHeard } from '../domain/conversation.js';
import { toRecord } from '../state-codec.js';
import { BusChangelogStateStore } from './bus-changelog-state-store.js';

const set = defaultPersonas();
const context = callContext({
  callId: 'call-1',
  seed: 's',
  maxTurns: 24,
  customer: set.customers[0] as CustomerPersona,
  agent: set.agents[0] as AgentPersona,
});
const voices = {
  agent: { voice: 'man', language: 'en-US' },
  customer: { voice: 'woman', language: 'en-US' },
};

describe('bus changelog state store', () => {
  it('rebuilds the newest version of every call, skipping a record it cannot read, before load resolves', async () => {
    const bus = new MemoryEventBus();
    const v1 = newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 1);
    const v2 = withHeard(v1, 'customer', 0, 'hello', 2);
    const other = { ...v1, callId: 'call-2' };
    await bus.publish(TOPICS.conversationState, 'call-1', toRecord(v2));
    await bus.publish(TOPICS.conversationState, 'call-1', toRecord(v1)); // an older version arriving late
    await bus.publish(TOPICS.conversationState, 'call-2', toRecord(other));
    await bus.publish(TOPICS.conversationState, 'call-3', {
      ...toRecord(other),
      callId: 'call-3',
      providerState: '{',
    });

    const invalid: string[] = [];
    const store = new BusChangelogStateStore({ bus, onInvalid: (callId) => invalid.push(callId) });
    await store.load();
    expect(store.get('call-1')).toEqual(v2);
    expect(store.get('call-2')).toEqual(other);
    expect(store.get('call-3')).toBeUndefined();
    expect(invalid).toEqual(['call-3']);
    expect(
      store
        .active()
        .map((s) => s.callId)
        .sort(),
    ).toEqual(['call-1', 'call-2']);
    await store.close();
  });

  it('catches up on what another instance wrote before catchUp was called, and does not sync a call it wrote last', async () => {
    const bus = new MemoryEventBus();
    // The second instance reads the changelog late: its deliveries wait while `held` is pending.
    let release = () => {};
    let held: Promise<void> = Promise.resolve();
    const lagging: EventBus = {
      publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
      subscribe: (options) =>
        bus.subscribe({
          ...options,
          handler: async (message) => {
            await held;
            await options.handler(message);
          },
        }),
      close: () => bus.close(),
    };
    const stopping = new BusChangelogStateStore({ bus, instanceId: 'stopping' });
    const successor = new BusChangelogStateStore({ bus: lagging, instanceId: 'successor' });
    await stopping.load();
    await successor.load();

    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const v1 = newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 1);
    const v2 = withHeard(v1, 'customer', 0, 'hello', 2);
    await stopping.put(v1);
    await stopping.put(v2);
    expect(successor.get('call-1')).toBeUndefined();
    let caughtUp = false;
    const catchingUp = successor.catchUp('call-1').then(() => {
      caughtUp = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(caughtUp).toBe(false);
    release();
    await catchingUp;
    expect(successor.get('call-1')).toEqual(v2);

    // A call whose last state this instance wrote: no markers, nothing to wait for.
    const mine = { ...v1, callId: 'call-2' };
    await successor.put(mine);
    const markers = () =>
      bus
        .messages(TOPICS.conversationState.name)
        .filter((m) => m.key?.toString().startsWith('__engine-sync__')).length;
    const before = markers();
    await successor.catchUp('call-2');
    expect(markers()).toBe(before);

    // Handed away and back while this instance lagged: the other one moved call-2 on. An event that does not fit
    // the own state (an utterance of a later turn) makes it read the changelog after all.
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const movedOn = withHeard(mine, 'customer', 0, 'hello', 3);
    await stopping.put(movedOn);
    await successor.catchUp('call-2', (s) => s.version === mine.version);
    expect(markers()).toBe(before);
    expect(successor.get('call-2')).toEqual(mine);
    const reading = successor.catchUp('call-2', () => false);
    release();
    await reading;
    expect(markers()).toBeGreaterThan(before);
    expect(successor.get('call-2')).toEqual(movedOn);
    await stopping.close();
    await successor.close();
  });

  it('writes every change to the changelog keyed by callId', async () => {
    const bus = new MemoryEventBus();
    const store = new BusChangelogStateStore({ bus });
    await store.load();
    const state = newCall(context, { scenario: context.scenario, expectedOutcome: 'resolved', voices }, 1);
    await store.put(state);
    const written = bus.messages(TOPICS.conversationState.name).filter((m) => m.key?.toString() === 'call-1');
    expect(written).toHaveLength(1);
    await store.close();
  });

  it('holds every active call but only the newest retainEnded ended ones, also when rebuilt', async () => {
    const bus = new MemoryEventBus();
    const store = new BusChangelogStateStore({ bus, retainEnded: 2 });
    await store.load();
    const call = (id: string) => ({
      ...newCall(
        { ...context, callId: id },
        { scenario: context.scenario, expectedOutcome: 'resolved', voices },
        1,
      ),
      callId: id,
    });
    for (const id of ['live-1', 'live-2', 'a', 'b', 'c', 'd']) await store.put(call(id));
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) {
      const ended = { ...call(id), status: 'ended' as const, version: 2, updatedAt: 100 + i };
      await store.put(ended);
      await store.put({ ...ended, version: 3 }); // the ground truth's version: still one ended call
    }
    expect(store.size).toBe(4);
    expect(['live-1', 'live-2', 'a', 'b', 'c', 'd'].map((id) => store.get(id)?.status)).toEqual([
      'active',
      'active',
      undefined,
      undefined,
      'ended',
      'ended',
    ]);
    await store.close();

    // A store rebuilt from the changelog reads every call (in partition order, not the order they ended) and keeps
    // the same bound: the calls that ended last.
    const rebuilt = new BusChangelogStateStore({ bus, retainEnded: 2 });
    await rebuilt.load();
    expect(rebuilt.size).toBe(4);
    expect(['a', 'b', 'c', 'd'].filter((id) => rebuilt.get(id)?.version === 3)).toEqual(['c', 'd']);
    expect(rebuilt.active().map((s) => s.callId)).toEqual(['live-1', 'live-2']);
    await rebuilt.close();
  });
});
