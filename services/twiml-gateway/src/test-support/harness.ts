import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { type EventBus, MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry, type Registry } from '@synthcall/metrics';
import {
  type CallPlanned,
  type EventSchemaName,
  type EventTypes,
  exampleEvents,
  type ReplyReady,
  type Role,
  TOPICS,
  type TopicBinding,
} from '@synthcall/schemas';
import twilio from 'twilio';
import { createApp, type TwimlGatewayApp } from '../app.js';
import { loadTwimlGatewayConfig } from '../config.js';
import type { CallRecords } from '../reconciler.js';
import type { VoiceIntelligence } from '../voice-intelligence.js';

export const PUBLIC_URL = 'https://gateway.example.test';
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const AGENT_SID = 'CA0000000000000000000000000000a001';
export const CUSTOMER_SID = 'CA0000000000000000000000000000c001';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Share a bus between harnesses to run several replicas. */
  bus?: MemoryEventBus;
  instanceId?: string;
  /** Wraps the bus the gateway sees (tests slow its consumers down with it). */
  gatewayBus?: (bus: MemoryEventBus) => EventBus;
  intelligence?: VoiceIntelligence;
  /** Twilio's REST API as the reconciler and the known-call check see it. */
  callRecords?: CallRecords;
  /** The webhook port (0, a free one, by default) and whether other replicas may share it (HTTP_REUSE_PORT). */
  port?: number;
  reusePort?: boolean;
  /** The gateway's clock (Date.now by default): tests move it to stand for time a slow call took. */
  now?: () => number;
}

export interface Harness {
  app: TwimlGatewayApp;
  bus: MemoryEventBus;
  registry: Registry;
  logLines: Array<Record<string, unknown>>;
  /** POSTs a form-encoded webhook signed as Twilio would over PUBLIC_URL + path (or with the given signature). */
  post(
    path: string,
    params: Record<string, string>,
    options?: { signature?: string | null },
  ): Promise<Response>;
  /** POSTs a JSON webhook signed as Twilio signs JSON bodies (bodySHA256 in the URL, signature over the URL). */
  postJson(path: string, body: unknown, options?: { signature?: string | null }): Promise<Response>;
  /** Everything published on a topic since the harness started, decoded. */
  published<S extends EventSchemaName>(topic: TopicBinding<S>): Promise<Array<EventTypes[S]>>;
  plan(callId: string): Promise<CallPlanned>;
  reply(
    callId: string,
    role: Role,
    turn: number,
    text: string,
    extra?: Partial<ReplyReady>,
  ): Promise<ReplyReady>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** A gateway on the in-memory bus behind a real HTTP server on an ephemeral port. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownBus = options.bus === undefined;
  const bus = options.bus ?? new MemoryEventBus();
  const instanceId = options.instanceId ?? 'test';
  const logLines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'twiml-gateway',
    version: 'test',
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const registry = createMetricsRegistry({
    service: 'twiml-gateway',
    version: 'test',
    defaultMetrics: false,
  });
  const config = loadTwimlGatewayConfig({
    GATEWAY_PUBLIC_URL: PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    REPLY_HOLD_MS: '150',
    REPLY_TIMEOUT_MS: '1500',
    ...options.env,
  });
  // Every topic the gateway writes, read from the start by the test's own groups.
  const seen = new Map<string, unknown[]>();
  for (const topic of [
    TOPICS.utterances,
    TOPICS.replies,
    TOPICS.callEvents,
    TOPICS.recordings,
    TOPICS.transcripts,
  ]) {
    const values: unknown[] = [];
    seen.set(topic.name, values);
    await bus.subscribe({
      topic,
      group: `test-observer-${instanceId}-${topic.name}`,
      fromBeginning: true,
      handler: async ({ value }) => {
        values.push(value);
      },
    });
  }
  const app = await createApp({
    config,
    logger,
    registry,
    bus: options.gatewayBus ? options.gatewayBus(bus) : bus,
    instanceId,
    ...(options.now ? { now: options.now } : {}),
    ...(options.intelligence ? { intelligence: options.intelligence } : {}),
    ...(options.callRecords ? { callRecords: options.callRecords } : {}),
  });
  const { port } = await app.listen(options.port ?? 0, '127.0.0.1', {
    reusePort: options.reusePort ?? false,
  });

  return {
    app,
    bus,
    registry,
    logLines,
    async post(path, params, { signature } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const sig =
        signature === undefined
          ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params)
          : signature;
      if (sig !== null) headers['x-twilio-signature'] = sig;
      return fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(params).toString(),
      });
    },
    async postJson(path, body, { signature } = {}) {
      const raw = JSON.stringify(body);
      const signed = `${path}${path.includes('?') ? '&' : '?'}bodySHA256=${createHash('sha256').update(raw).digest('hex')}`;
      const sig =
        signature === undefined
          ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + signed, {})
          : signature;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (sig !== null) headers['x-twilio-signature'] = sig;
      return fetch(`http://127.0.0.1:${port}${signed}`, { method: 'POST', headers, body: raw });
    },
    async published(topic) {
      await bus.idle();
      return [...((seen.get(topic.name) ?? []) as Array<EventTypes[typeof topic.schema]>)];
    },
    async plan(callId) {
      const planned = exampleEvents(callId).CallPlanned;
      await bus.publish(TOPICS.calls, callId, planned);
      await bus.idle();
      return planned;
    },
    async reply(callId, role, turn, text, extra = {}) {
      const reply = replyEvent(callId, role, turn, text, extra);
      await bus.publish(TOPICS.replies, callId, reply);
      await bus.idle();
      return reply;
    },
    async metric(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (!metric) return 0;
      const { values } = await metric.get();
      // Histograms: count observations (the _count series), not buckets or sums.
      const matching = values.filter(
        (v) =>
          !/_(bucket|sum)$/.test((v as { metricName?: string }).metricName ?? '') &&
          Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
      );
      return matching.reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.gateway.close();
      await new Promise<void>((resolve) => {
        app.server.close(() => resolve());
        app.server.closeAllConnections();
      });
      await app.ops.close();
      if (ownBus) await bus.close();
    },
  };
}

/** A ReplyReady as the engine would publish it, with the example plan's voices. */
export function replyEvent(
  callId: string,
  role: Role,
  turn: number,
  text: string,
  extra: Partial<ReplyReady> = {},
): ReplyReady {
  const planned = exampleEvents(callId).CallPlanned;
  return {
    eventId: `${callId}:reply:${role}:${turn}`,
    callId,
    role,
    turn,
    text,
    voice: planned[role].voice,
    language: planned[role].language,
    endCall: false,
    endReason: null,
    endedBy: null,
    fallback: false,
    producedAt: new Date('2026-01-15T10:00:01.000Z'),
    pauseSec: null,
    cutInAfterSec: null,
    ...extra,
  };
}

export interface Verb {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children?: Verb[];
}

/** The verbs of a TwiML document, in order, with the verbs nested in one (a <Say> in a <Gather>) as its children. */
export function verbsOf(twiml: string): Verb[] {
  const body = twiml.replace(/^<\?xml[^>]*\?>/, '').replace(/^<Response>|<\/Response>$/g, '');
  const verbs: Verb[] = [];
  for (const match of body.matchAll(/<(\w+)((?:\s+\w+="[^"]*")*)\s*(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
    const attributes: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g))
      attributes[name as string] = unescapeXml(value as string);
    const inner = match[3] ?? '';
    verbs.push(
      inner.includes('<')
        ? { name: match[1] as string, attributes, text: '', children: verbsOf(inner) }
        : { name: match[1] as string, attributes, text: unescapeXml(inner) },
    );
  }
  return verbs;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
