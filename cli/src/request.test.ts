import { Writable } from 'node:stream';
import { MemoryEventBus } from '@synthcall/event-bus';
import { createLogger } from '@synthcall/logging';
import { createMetricsRegistry } from '@synthcall/metrics';
import {
  type ConferenceCreated,
  type ConferenceRequest,
  createApp as createOrchestratorApp,
  loadOrchestratorConfig,
  MemoryCallBudget,
  type Telephony,
} from '@synthcall/orchestrator';
import { defaultPersonas } from '@synthcall/personas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, verdictLines } from './cli.js';
import { type RequestOptions, requestCalls, sendRequests } from './request.js';

// Port 1 on loopback: nothing listens, so a request that got as far as Kafka would fail with SYNTH_REQUEST_FAILED.
const options: RequestOptions = {
  calls: 1,
  seed: 's',
  strategy: 'matched',
  maxTurns: 24,
  mode: 'simulated',
  industries: [],
  requests: 1,
  brokers: ['127.0.0.1:1'],
  registryUrl: 'http://127.0.0.1:1/apis/ccompat/v7',
};

describe('synthcall request', () => {
  it.each(['../x', '/tmp/x', 'has space', 'caf\u00e9', 'nul\u0000', '.hidden'])(
    'refuses the request id %j before it sends anything, with SYNTH_REQUEST_ID_INVALID',
    async (requestId) => {
      await expect(requestCalls({ ...options, requestId })).rejects.toMatchObject({
        code: 'SYNTH_REQUEST_ID_INVALID',
      });
    },
  );

  it('refuses an id that becomes too long once --requests numbers it', async () => {
    const requestId = 'r'.repeat(62);
    await expect(requestCalls({ ...options, requestId, requests: 12 })).rejects.toMatchObject({
      code: 'SYNTH_REQUEST_ID_INVALID',
      message: expect.stringContaining(`requestId "${requestId}-10" is 65 characters long`),
    });
  });

  it('prints one line naming the code and the grammar and exits 1 for --request-id ../x', async () => {
    const said = await stderrOf(async () => {
      expect(
        await main([
          'node',
          'synthcall',
          'request',
          '--request-id',
          '../x',
          '--brokers',
          '127.0.0.1:1',
          '--registry',
          'http://127.0.0.1:1',
        ]),
      ).toBe(1);
    });
    expect(said).toMatch(
      /^synthcall: SYNTH_REQUEST_ID_INVALID: requestId "\.\.\/x" must consist of ASCII letters, digits/,
    );
  });
});

describe('synthcall request --industry', () => {
  it('refuses an industry no persona can have before it sends anything, listing the ones there are', async () => {
    await expect(requestCalls({ ...options, industries: ['banking', 'martian'] })).rejects.toMatchObject({
      code: 'SYNTH_REQUEST_INVALID',
      message: expect.stringMatching(/industry "martian"; the industries are telecom, banking,/),
    });
  });
});

/** Twilio that accepts every conference (the orchestrator's side of a request is what these tests watch). */
class AcceptingTelephony implements Telephony {
  private n = 0;
  async createConference(_request: ConferenceRequest, pace: () => Promise<void>): Promise<ConferenceCreated> {
    await pace();
    const id = String(++this.n).padStart(31, '0');
    return { conferenceSid: `CF${id}0`, customerCallSid: `CA${id}c`, agentCallSid: `CA${id}a` };
  }
  async conferenceExists(): Promise<boolean> {
    return false;
  }
}

describe('synthcall request: the verdict of the orchestrator', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A real orchestrator placing simulated calls, on a memory bus with its dead-letter path. */
  async function simulatedOrchestrator(): Promise<MemoryEventBus> {
    const bus = new MemoryEventBus();
    const logger = createLogger({
      service: 'orchestrator',
      version: 'test',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
    // Its own createApp, as `synthcall up` runs it: a sim base URL makes it place simulated calls, with no CPS wait.
    const { orchestrator } = createOrchestratorApp({
      config: loadOrchestratorConfig({
        TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
        TWILIO_AUTH_TOKEN: 'request-test-token',
        TWILIO_API_BASE_URL: 'http://127.0.0.1:1',
        TWILIO_FROM: '+15005550006',
        TWILIO_CUSTOMER_TO: 'app:AP0000000000000000000000000000c001',
        TWILIO_AGENT_TO: 'app:AP0000000000000000000000000000a001',
        GATEWAY_PUBLIC_URL: 'https://gateway.example.test',
        CONFERENCE_TIME_LIMIT_SEC: '300',
        MAX_CONCURRENT_CALLS: '0',
      }),
      logger,
      registry: createMetricsRegistry({ service: 'orchestrator', version: 'test', defaultMetrics: false }),
      bus,
      personas: defaultPersonas(),
      telephony: new AcceptingTelephony(),
      budget: new MemoryCallBudget(1_000),
      instanceId: 'request-test',
    });
    await orchestrator.start();
    closers.push(async () => {
      await orchestrator.stop();
      await bus.close();
    });
    return bus;
  }

  it('reports a live request to a simulated orchestrator as refused, with its code and reason, and exit 1 follows', async () => {
    const bus = await simulatedOrchestrator();
    const sent = await sendRequests(bus, { ...options, mode: 'live', waitMs: 10_000 }, ['live-1']);
    expect(sent).toEqual([
      {
        requestId: 'live-1',
        count: 1,
        verdict: {
          outcome: 'rejected',
          code: 'SYNTH_REQUEST_INVALID',
          reason: 'request asks for live calls but this orchestrator places simulated calls',
        },
      },
    ]);
    expect(verdictLines(sent, 10)).toEqual([
      'refused 1 call(s), requestId live-1: the orchestrator dead-lettered it, SYNTH_REQUEST_INVALID: request asks for live calls but this orchestrator places simulated calls',
    ]);
  });

  it('says "requested" only for a request the orchestrator planned a call of, naming the call', async () => {
    const bus = await simulatedOrchestrator();
    const sent = await sendRequests(bus, { ...options, calls: 2, requests: 2, waitMs: 10_000 }, [
      'ok-0',
      'ok-1',
    ]);
    expect(sent.map((r) => r.verdict)).toEqual([
      { outcome: 'accepted', firstCallId: 'ok-0-0000' },
      { outcome: 'accepted', firstCallId: 'ok-1-0000' },
    ]);
    expect(verdictLines(sent, 10)[0]).toBe(
      'requested 2 call(s), requestId ok-0: accepted, the orchestrator planned ok-0-0000',
    );
  });

  it('says nobody answered when no orchestrator reads the topic within the wait, and that it waits there', async () => {
    const bus = new MemoryEventBus();
    closers.push(() => bus.close());
    const sent = await sendRequests(bus, { ...options, waitMs: 200 }, ['nobody-1']);
    expect(sent[0]?.verdict).toEqual({ outcome: 'unanswered' });
    expect(verdictLines(sent, 0.2)[0]).toMatch(/no call planned within 0.2 s; it waits on call-requests/);
  });

  it('does not listen at all with --wait 0', async () => {
    const bus = new MemoryEventBus();
    closers.push(() => bus.close());
    const subscribe = vi.spyOn(bus, 'subscribe');
    const sent = await sendRequests(bus, { ...options, waitMs: 0 }, ['fire-1']);
    expect(sent[0]?.verdict).toEqual({ outcome: 'not-waited' });
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('refuses --wait that is not a whole number of seconds before sending anything', async () => {
    const said = await stderrOf(async () => {
      expect(await main(['node', 'synthcall', 'request', '--wait', '1.5'])).not.toBe(0);
    });
    expect(said).toMatch(/--wait must be a whole number of seconds from 0 to 3600, got "1.5"/);
  });

  it('refuses --max-turns below a greeting and a reply before sending anything', async () => {
    const said = await stderrOf(async () => {
      expect(await main(['node', 'synthcall', 'request', '--max-turns', '1'])).not.toBe(0);
      expect(await main(['node', 'synthcall', 'generate', '--max-turns', '1'])).not.toBe(0);
    });
    expect(
      said.match(
        /--max-turns must be a whole number from 2 to 200 \(a call is at least the agent's greeting and a reply\), got "1"/g,
      ),
    ).toHaveLength(2);
  });
});

/** What `run` writes on stderr (the CLI's refusals), with stderr restored after. */
async function stderrOf(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stderr.write = write;
  }
  return written.join('');
}
