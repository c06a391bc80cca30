import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import type { ServiceApp } from '@synthcall/ops-server';
import { defaultPersonas } from '@synthcall/personas';
import { TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { loadConversationEngineConfig } from './config.js';

const apps: Array<ServiceApp & { engine?: unknown }> = [];

afterEach(async () => {
  for (const app of apps.splice(0)) {
    for (const step of app.shutdownSteps) await step.run();
    await app.ops.close();
  }
});

async function startApp() {
  const logger = createLogger({
    service: 'conversation-engine',
    version: 'test',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  const registry = createMetricsRegistry({ service: 'conversation-engine', version: 'test' });
  const app = await createApp({ config: loadConversationEngineConfig({}), logger, registry });
  apps.push(app);
  expect(app.ops.server.listening).toBe(false);
  const { port } = await app.ops.listen(0);
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('conversation-engine createApp', () => {
  it('runs a call on its bus and reports the engine metrics on /metrics', async () => {
    const logger = createLogger({
      service: 'conversation-engine',
      version: 'test',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    const registry = createMetricsRegistry({ service: 'conversation-engine', version: 'test' });
    const bus = new MemoryEventBus();
    const app = await createApp({ config: loadConversationEngineConfig({}), logger, registry, bus });
    apps.push(app);
    const customer = defaultPersonas().customers[0];
    const agent = defaultPersonas().agents[0];
    if (!customer || !agent) throw new Error('the embedded persona set is empty');
    await bus.publish(TOPICS.calls, 'call-m', {
      eventId: 'p',
      callId: 'call-m',
      requestId: 'r',
      plannedAt: new Date(0),
      customer: { id: customer.id, name: customer.name, voice: customer.voice, language: 'en-US' },
      agent: { id: agent.id, name: agent.name, voice: agent.voice, language: 'en-US' },
      scenario: {
        industry: 'telecom',
        issueCategory: 'billing_dispute',
        issueComplexity: 3,
        demeanor: 'calm',
        summary: 's',
      },
      strategy: 'matched',
      pairingScore: 1,
      expectedOutcome: 'resolved',
      seed: 'm',
      mode: 'simulated',
      maxTurns: 2,
      twilio: { conferenceName: 'c', conferenceSid: null, agentCallSid: null, customerCallSid: null },
    });
    await bus.idle();
    await bus.publish(TOPICS.utterances, 'call-m', {
      eventId: 'call-m:heard:customer:0',
      callId: 'call-m',
      role: 'customer',
      turn: 0,
      text: 'hello',
      confidence: 0.9,
      callSid: 'CA1',
      heardAt: new Date(0),
    });
    await bus.idle();
    expect(app.engine.labels('call-m')).toMatchObject({
      endReason: 'max_turns',
      endedBy: 'customer',
      turnCount: 2,
    });
    const { port } = await app.ops.listen(0);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const family of [
      'synthcall_turn_duration_seconds',
      'synthcall_llm_request_duration_seconds',
      'synthcall_llm_tokens_total',
      'synthcall_llm_cost_usd_total',
      'synthcall_circuit_breaker_state',
      'synthcall_calls_ended_total',
      'synthcall_fallback_turns_total',
      'synthcall_active_calls',
    ])
      expect(text).toContain(`# TYPE ${family} `);
    expect(text).toMatch(/synthcall_calls_ended_total\{end_reason="max_turns",ended_by="customer"[^}]*\} 1/);
    expect(text).toMatch(/synthcall_active_calls\{[^}]*\} 0/);
  });

  it('answers /healthz and /readyz with 200', async () => {
    const get = await startApp();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves metrics labelled with the service, our own families prefixed synthcall_', async () => {
    const get = await startApp();
    const text = await (await get('/metrics')).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
    expect(families).toContain('synthcall_build_info');
    // Node's default process_/nodejs_ metrics keep their standard names; everything else is ours.
    expect(
      families
        .filter((name) => !/^(process|nodejs)_/.test(name))
        .every((name) => name.startsWith('synthcall_')),
    ).toBe(true);
    expect(text).toContain('synthcall_build_info{version="test",service="conversation-engine"} 1');
  });
});
