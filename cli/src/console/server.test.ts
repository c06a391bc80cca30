import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleAssets } from './assets.js';
import { ConsoleDataset } from './dataset.js';
import { createConsoleApp } from './server.js';

const ID = 'gen-test-0000';
const SAID = 'Hi, this is Dana Whitfield, account TC-123.';

/** A one-call dataset as `generate --audio` lays it out (calls.jsonl, transcript, labels, intelligence, WAV). */
async function writeDataset(dir: string) {
  for (const sub of ['transcripts', 'labels', 'intelligence', 'recordings']) await mkdir(join(dir, sub));
  const record = {
    callId: ID,
    requestId: 'gen-test',
    customerId: 'cust-dana-whitfield',
    agentId: 'agent-renee-castillo',
    scenario: {
      industry: 'utilities',
      issueCategory: 'outage',
      issueComplexity: 2,
      demeanor: 'angry',
      summary: 'x',
    },
    strategy: 'matched',
    pairingScore: 0.9,
    expectedOutcome: 'resolved',
    outcome: 'resolved',
    endReason: 'resolved',
    endedBy: 'agent',
    turnCount: 2,
    startedAt: '2026-01-05T09:00:01.000Z',
    durationSec: 12,
    fallbackTurns: 0,
    synthetic: true,
  };
  await writeFile(join(dir, 'calls.jsonl'), `${JSON.stringify(record)}\n`);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ runId: 'r', seed: 'test' }));
  const turn = (n: number, role: string, said: string) => ({
    turn: n,
    role,
    said,
    heard: said,
    startSec: null,
    endSec: null,
    confidence: 0.9,
    fallback: false,
    realizedBy: 'template',
    move: null,
  });
  await writeFile(
    join(dir, 'transcripts', `${ID}.json`),
    JSON.stringify({
      callId: ID,
      synthetic: true,
      turns: [turn(0, 'agent', 'Thanks for calling, how can I help?'), turn(1, 'customer', SAID)],
    }),
  );
  await writeFile(
    join(dir, 'labels', `${ID}.json`),
    JSON.stringify({
      callId: ID,
      synthetic: true,
      scenario: record.scenario,
      intendedOutcome: 'resolved',
      demeanor: 'angry',
      demeanorTrajectory: [{ turn: 1, demeanor: 'angry' }],
      spokenPii: [{ type: 'person_name', value: 'Dana Whitfield', turn: 1, start: 12, end: 26 }],
      endReason: 'resolved',
      endedBy: 'agent',
      source: 'provider',
      provider: 'scripted',
      model: null,
      groundTruthVersion: 1,
      turnsRealizedBy: { model: 0, template: 2, fallback: 0 },
      droppedPii: [],
    }),
  );
  const sentence = (index: number, role: string, startSec: number, endSec: number) => ({
    index,
    channel: role === 'customer' ? 1 : 2,
    role,
    startSec,
    endSec,
    text: '…',
    confidence: 0.9,
  });
  await writeFile(
    join(dir, 'intelligence', `${ID}.json`),
    JSON.stringify({
      callId: ID,
      synthetic: true,
      transcriptSid: 'GT1',
      serviceSid: 'GA1',
      recordingSid: 'RE1',
      channelRoles: [],
      sentences: [
        sentence(0, 'agent', 0, 2.5),
        sentence(1, 'customer', 3, 4),
        sentence(2, 'customer', 4.5, 6.25),
      ],
      operatorResults: [
        {
          operatorSid: 'LY1',
          name: 'Sentiment Analysis',
          operatorType: 'conversation-classify',
          predictedLabel: 'negative',
          predictedProbability: 0.8,
          textResult: null,
          extractResults: {},
          raw: { big: 'x'.repeat(1000) },
        },
      ],
    }),
  );
  // 1 s of 8 kHz 16-bit mono silence behind a 44-byte RIFF header.
  const pcm = Buffer.alloc(16_000);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  await writeFile(join(dir, 'recordings', `${ID}.wav`), Buffer.concat([header, pcm]));
  // A file beside the dataset that no request may reach.
  await writeFile(join(dir, '..', 'secret.json'), '{"secret":true}');
}

const assets: ConsoleAssets = {
  indexHtml: '<!doctype html><title>t</title>',
  files: new Map([['app.js', { body: Buffer.from('console.log(1)'), type: 'text/javascript' }]]),
  etag: '"t"',
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('the console server', () => {
  let base: string;
  let dir: string;
  let port: number;
  const server = createServer();

  const send = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<Reply>((resolve, reject) => {
      // http.request keeps the path exactly as written (fetch would resolve the dots away).
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  const json = async (path: string) => {
    const r = await send('GET', path);
    return { status: r.status, body: JSON.parse(r.body.toString('utf8')) };
  };

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'synthcall-console-'));
    dir = join(base, 'data');
    await mkdir(dir);
    await writeDataset(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const app = createConsoleApp({
      dataset: new ConsoleDataset(dir, new Map([['cust-dana-whitfield', 'Dana Whitfield']])),
      assets,
      allowedHosts: [`127.0.0.1:${port}`],
    });
    server.on('request', app.handler);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists the dataset’s calls with the manifest and the personas’ names', async () => {
    const { status, body } = await json('/api/dataset');
    expect(status).toBe(200);
    expect(body.calls.map((c: { callId: string }) => c.callId)).toEqual([ID]);
    expect(body.manifest).toEqual({ runId: 'r', seed: 'test' });
    expect(body.personas).toEqual({ 'cust-dana-whitfield': 'Dana Whitfield' });
  });

  it('gives a call with turn timings from the recording’s sentences, its labels, and no raw operator output', async () => {
    const { status, body } = await json(`/api/calls/${ID}`);
    expect(status).toBe(200);
    expect(body.timingSource).toBe('recording');
    expect(body.turns.map((t: { timing: unknown }) => t.timing)).toEqual([
      { startSec: 0, endSec: 2.5 },
      { startSec: 3, endSec: 6.25 },
    ]);
    expect(body.labels.spokenPii[0]).toMatchObject({ start: 12, end: 26 });
    expect(SAID.slice(12, 26)).toBe('Dana Whitfield');
    expect(body.intelligence.operatorResults[0]).not.toHaveProperty('raw');
    expect(body.recording).toEqual({ bytes: 16_044 });
    expect(body.comparison.find((c: { what: string }) => c.what === 'Sentiment')).toMatchObject({
      observed: 'negative',
      agrees: true,
    });
  });

  it('refuses every method but GET and HEAD with 405 and says which are allowed', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const r = await send(method, '/api/dataset');
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    const head = await send('HEAD', '/api/dataset');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(await readFile(join(dir, 'calls.jsonl'), 'utf8')).toContain(ID);
  });

  it('reads no file outside the dataset: ids that are not the dataset’s calls are 404, malformed ones 400', async () => {
    for (const path of [
      '/api/calls/..%2F..%2Fsecret',
      '/api/calls/..%2Fsecret',
      '/api/calls/%2E%2E',
      '/api/calls/..',
      '/api/calls/gen-test-0000%00',
      '/api/calls/..%2F..%2Fsecret/recording.wav',
      '/api/calls/../../secret.json',
      '/api/calls/%2Fetc%2Fpasswd',
      '/api/calls/not-a-call',
      '/api/calls/not-a-call/recording.wav',
      '/assets/..%2F..%2Fsecret.json',
      '/../secret.json',
    ]) {
      const r = await send('GET', path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.toString('utf8'), path).not.toContain('secret');
    }
    expect((await send('GET', '/api/calls/%E0%A4%A')).status).toBe(400);
  });

  it('serves the recording with byte ranges, so the player can seek', async () => {
    const whole = await send('GET', `/api/calls/${ID}/recording.wav`);
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.subarray(0, 4).toString()).toBe('RIFF');
    const part = await send('GET', `/api/calls/${ID}/recording.wav`, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/16044');
    expect(part.body).toEqual(whole.body.subarray(100, 200));
    const tail = await send('GET', `/api/calls/${ID}/recording.wav`, { range: 'bytes=-44' });
    expect(tail.body).toEqual(whole.body.subarray(16_000));
    const past = await send('GET', `/api/calls/${ID}/recording.wav`, { range: 'bytes=99999-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */16044');
  });

  it('finds calls by words said or heard, case-insensitive', async () => {
    expect((await json('/api/search?q=dana%20ACCOUNT')).body.hits).toEqual([
      { callId: ID, turn: 1, role: 'customer', text: SAID },
    ]);
    expect((await json('/api/search?q=nobody%20said%20this')).body.hits).toEqual([]);
  });

  it('answers only requests addressed to its own host and port', async () => {
    const r = await send('GET', '/api/dataset', { host: `attacker.example:${port}` });
    expect(r.status).toBe(421);
    expect(r.body.toString('utf8')).not.toContain(ID);
  });

  it('serves the page under a content security policy that loads nothing from elsewhere', async () => {
    const page = await send('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await send('GET', '/assets/app.js')).status).toBe(200);
    expect((await send('GET', '/assets/nope.js')).status).toBe(404);
  });

  it('renders the dataset’s label fidelity report with the report’s own code, without scripts', async () => {
    const r = await send('GET', '/report.html');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.body.toString('utf8')).toContain('Label fidelity report');
    // The same sections as `synthcall report`, realism included.
    expect(r.body.toString('utf8')).toContain('<h2>5. Realism</h2>');
  });

  it('says the live view has no run attached when none is', async () => {
    expect((await json('/api/live')).body).toEqual({ attached: false });
  });
});
