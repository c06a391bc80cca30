import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@synthcall/event-bus';
import { exampleEvents, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseRetryOptions } from './database-retry-queue.js';
import { type DatasetDatabase, DatasetSink, type DatasetSinkOptions, type Schedule } from './dataset-sink.js';
import type { CallRows, Row, RunInfo } from './domain/dataset-rows.js';
import { groundTruthOf } from './ground-truth.js';
import { ALL_CALL_EVENT_PARTS, type CallEvents, callEvents, publishCall } from './testing/call-events.js';

const quiet = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sink-'));
  dirs.push(dir);
  return dir;
}

/** A schedule whose timers run only when the test says the settle period is over. */
function manualSchedule() {
  const due: Array<() => void> = [];
  const schedule: Schedule = (run) => {
    let cancelled = false;
    due.push(() => {
      if (!cancelled) run();
    });
    return () => {
      cancelled = true;
    };
  };
  const elapse = () => {
    for (const run of due.splice(0)) run();
  };
  return { schedule, elapse, waiting: () => due.length };
}

async function startSink(dir: string, schedule = manualSchedule(), extra: Partial<DatasetSinkOptions> = {}) {
  const bus = new MemoryEventBus();
  const sink = new DatasetSink({
    bus,
    dir,
    logger: quiet,
    settleMs: 2_000,
    schedule: schedule.schedule,
    now: () => new Date('2026-02-01T10:00:00Z'),
    versions: { test: '1' },
    ...extra,
  });
  await sink.start();
  closers.push(async () => {
    await sink.close();
    await bus.close();
  });
  return { bus, sink, schedule };
}

/** A call's plan, its turns and its end: what the sink needs to write it (no recording, no results yet). */
async function playCall(bus: MemoryEventBus, callId: string, turns: number) {
  await publishCall(bus, callEvents(callId, { turns }), ['planned', 'replies', 'ended']);
  await bus.idle();
}

/** A call's recording and Voice Intelligence results, which come after the call. */
const publishResults = (bus: MemoryEventBus, e: CallEvents) => publishCall(bus, e, ['recording', 'analyzed']);

/** A plan and a first turn of a call whose end went to another replica. */
const publishUnfinished = (bus: MemoryEventBus, callId: string) =>
  publishCall(bus, callEvents(callId, { turns: 1 }), ['planned', 'replies']);

const lines = async (dir: string) =>
  (await readFile(join(dir, 'calls.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { callId: string; turnCount: number; synthetic: boolean });
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('DatasetSink', () => {
  it('is ready only once it has subscribed', async () => {
    const dir = await tempDir();
    const sink = new DatasetSink({ bus: new MemoryEventBus(), dir, logger: quiet, settleMs: 0 });
    expect(sink.subscribed).toBe(false);
    await sink.start();
    expect(sink.subscribed).toBe(true);
    await sink.close();
    expect(sink.subscribed).toBe(false);
  });

  it('writes a finished call after its settle period, including a turn that arrived after call_ended', async () => {
    const dir = await tempDir();
    const { bus, sink, schedule } = await startSink(dir);
    await playCall(bus, 'call-a', 3);
    // Still settling: nothing written yet.
    expect(schedule.waiting()).toBe(1);
    await expect(readFile(join(dir, 'calls.jsonl'), 'utf8')).rejects.toThrow(/ENOENT/);

    const ev = exampleEvents('call-a');
    await bus.publish(TOPICS.replies, 'call-a', { ...ev.ReplyReady, eventId: 'late', turn: 3, text: 'Bye.' });
    await bus.idle();
    schedule.elapse();
    await sink.flush();

    const written = await lines(dir);
    expect(written.map((r) => [r.callId, r.turnCount, r.synthetic])).toEqual([['call-a', 4, true]]);
    const transcript = await readJson(join(dir, 'transcripts', 'call-a.json'));
    expect(transcript.turns.map((t: { said: string }) => t.said)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      'Bye.',
    ]);
    expect(await readJson(join(dir, 'labels', 'call-a.json'))).toMatchObject({
      callId: 'call-a',
      synthetic: true,
      endReason: 'resolved',
      source: 'plan',
    });
    expect(await readJson(join(dir, 'manifest.json'))).toMatchObject({
      synthetic: true,
      source: 'analytics-sink',
      versions: { test: '1' },
      counts: {
        calls: 1,
        turns: 4,
        endReasons: { resolved: 1 },
        outcomes: { resolved: 1 },
        requests: { 'req-0001': 1 },
      },
    });
  });

  it('writes Voice Intelligence results that arrive after the call was written', async () => {
    const dir = await tempDir();
    const { bus, sink, schedule } = await startSink(dir);
    await playCall(bus, 'call-vi', 2);
    schedule.elapse();
    await sink.flush();
    const ev = callEvents('call-vi');
    await publishResults(bus, ev);
    await bus.idle();
    await sink.flush();
    const vi = JSON.parse(await readFile(join(dir, 'intelligence', 'call-vi.json'), 'utf8'));
    expect(vi).toMatchObject({
      callId: 'call-vi',
      synthetic: true,
      transcriptSid: ev.analyzed.transcriptSid,
    });
  });

  it('drops a written call from memory when its Voice Intelligence results are written, or after the retention time', async () => {
    const dir = await tempDir();
    const { bus, sink, schedule } = await startSink(dir);
    await playCall(bus, 'call-vi', 2);
    await playCall(bus, 'call-none', 2);
    schedule.elapse();
    await sink.flush();
    // Both written; both still held, waiting for their results.
    expect((await lines(dir)).map((r) => r.callId).sort()).toEqual(['call-none', 'call-vi']);
    expect(sink.callsInMemory).toBe(2);

    await publishResults(bus, callEvents('call-vi'));
    await bus.idle();
    await sink.flush();
    expect(sink.callsInMemory).toBe(1);

    // The retention time passes for the call that never got results.
    schedule.elapse();
    await sink.flush();
    expect(sink.callsInMemory).toBe(0);
    // A late redelivery of a dropped call neither brings it back nor writes it twice.
    await playCall(bus, 'call-none', 2);
    schedule.elapse();
    await sink.flush();
    expect(sink.callsInMemory).toBe(0);
    expect(await lines(dir)).toHaveLength(2);
  });

  it('leaves a call still settling at shutdown to the replay when replay is on, instead of writing it incomplete', async () => {
    const dir = await tempDir();
    const { bus, sink } = await startSink(dir, manualSchedule(), { replayMs: 60_000 });
    await playCall(bus, 'call-settling', 2);
    await sink.close();
    await expect(readFile(join(dir, 'calls.jsonl'), 'utf8')).rejects.toThrow(/ENOENT/);

    // Replay off (the default): shutdown writes it.
    const dir2 = await tempDir();
    const off = await startSink(dir2);
    await playCall(off.bus, 'call-settling', 2);
    await off.sink.close();
    expect((await lines(dir2)).map((r) => r.callId)).toEqual(['call-settling']);
  });

  it('drops a call that never finishes here (its partitions moved to another replica) after abandonMs', async () => {
    const dir = await tempDir();
    let now = Date.parse('2026-02-01T10:00:00Z');
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), {
      abandonMs: 60_000,
      now: () => new Date(now),
    });
    await publishUnfinished(bus, 'call-moved');
    await bus.idle();
    expect(sink.callsInMemory).toBe(1);

    now += 120_000;
    await playCall(bus, 'call-done', 2);
    schedule.elapse();
    await sink.flush();
    // The finished call is written (and held for its results); the one that never ended here is gone.
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-done']);
    expect(sink.callsInMemory).toBe(1);
  });

  /** Every event of a call but its plan: what a replica gets for a call whose plan went to another one. */
  const publishWithoutPlan = (bus: MemoryEventBus, callId: string) =>
    publishCall(
      bus,
      callEvents(callId, { turns: 1 }),
      ALL_CALL_EVENT_PARTS.filter((part) => part !== 'planned'),
    );

  const nothingHeld = { calls: 0, waitingForPlan: 0, finished: 0, settling: 0, retained: 0, inDatabase: 0 };

  it('holds nothing of calls whose plan never came here, nor of written calls, once abandonMs passed without their events', async () => {
    const dir = await tempDir();
    let now = Date.parse('2026-02-01T10:00:00Z');
    const db = new FakeDatabase();
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), {
      abandonMs: 60_000,
      now: () => new Date(now),
      database: db,
    });
    for (let i = 0; i < 50; i++) await publishWithoutPlan(bus, `call-orphan-${i}`);
    // Planned here, but its end went to another replica.
    await publishUnfinished(bus, 'call-moved');
    await bus.idle();
    expect(sink.heldCalls()).toMatchObject({ calls: 1, waitingForPlan: 50 });

    now += 120_000;
    // Writing a call runs the sweep; this one has its results, so it leaves memory as soon as it is written.
    await publishResults(bus, callEvents('call-done'));
    await playCall(bus, 'call-done', 2);
    schedule.elapse();
    await sink.flush();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-done']);
    expect(db.calls.map((c) => c.rows.callId)).toEqual(['call-done']);
    expect(sink.heldCalls()).toEqual(nothingHeld);
  });

  it('drops calls waiting for a plan on a later event even when no call is written here', async () => {
    const dir = await tempDir();
    let now = Date.parse('2026-02-01T10:00:00Z');
    const { bus, sink } = await startSink(dir, manualSchedule(), {
      abandonMs: 60_000,
      now: () => new Date(now),
    });
    for (let i = 0; i < 20; i++) await publishWithoutPlan(bus, `call-orphan-${i}`);
    await bus.idle();
    expect(sink.heldCalls()).toMatchObject({ waitingForPlan: 20 });

    now += 120_000;
    await publishWithoutPlan(bus, 'call-orphan-new');
    await bus.idle();
    expect(sink.heldCalls()).toEqual({ ...nothingHeld, waitingForPlan: 1 });
    // A plan that comes after its call was dropped does not bring the call back half-built.
    await publishCall(bus, callEvents('call-orphan-0'), ['planned']);
    await bus.idle();
    await sink.flush();
    expect(sink.heldCalls()).toEqual({ ...nothingHeld, waitingForPlan: 1 });
  });

  it('writes a call once when its end is delivered again', async () => {
    const dir = await tempDir();
    const { bus, sink, schedule } = await startSink(dir);
    await playCall(bus, 'call-b', 2);
    schedule.elapse();
    await sink.flush();
    await playCall(bus, 'call-b', 2);
    schedule.elapse();
    await sink.flush();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-b']);
  });

  it('keeps the calls of an earlier run and skips them when they are delivered again after a restart', async () => {
    const dir = await tempDir();
    const first = await startSink(dir);
    await playCall(first.bus, 'call-c', 2);
    await first.sink.close();

    const second = await startSink(dir);
    expect(second.sink.writtenCalls).toBe(1);
    await playCall(second.bus, 'call-c', 2);
    await playCall(second.bus, 'call-d', 6);
    second.schedule.elapse();
    await second.sink.flush();

    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-c', 'call-d']);
    expect((await readJson(join(dir, 'manifest.json'))).counts).toMatchObject({ calls: 2, turns: 8 });
  });

  it('writes finished calls on close without waiting for their settle period', async () => {
    const dir = await tempDir();
    const { bus, sink, schedule } = await startSink(dir);
    await playCall(bus, 'call-e', 2);
    expect(schedule.waiting()).toBe(1);
    await sink.close();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-e']);
    expect((await readdir(join(dir, 'transcripts'))).sort()).toEqual(['call-e.json']);
  });

  it('cuts off a torn last line left by a crash, so the next line starts cleanly', async () => {
    const dir = await tempDir();
    const kept = JSON.stringify({ callId: 'call-old', requestId: 'r', turnCount: 2, fallbackTurns: 0 });
    await writeFile(join(dir, 'calls.jsonl'), `${kept}\n{"callId":"call-tor`);
    const { bus, sink } = await startSink(dir);
    expect(sink.writtenCalls).toBe(1);
    await playCall(bus, 'call-f', 2);
    await sink.close();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-old', 'call-f']);
  });
});

/**
 * Records what the sink sends to the database. `failWith` makes every call write fail; `failNext(n, err)` only the
 * next n. `attempts` lists every call write tried, failed or not.
 */
class FakeDatabase implements DatasetDatabase {
  runs: RunInfo[] = [];
  calls: Array<{ rows: CallRows; run: RunInfo | undefined }> = [];
  intelligence: Array<{ intelligence: Row; recording: Row | null }> = [];
  attempts: string[] = [];
  failWith: Error | undefined;
  private failures = 0;
  failNext(n: number, err: Error) {
    this.failures = n;
    this.failWith = err;
  }
  async writeRun(run: RunInfo) {
    this.runs.push(run);
  }
  async writeCall(rows: CallRows, run?: RunInfo) {
    this.attempts.push(rows.callId);
    if (this.failWith) {
      const err = this.failWith;
      if (this.failures > 0 && --this.failures === 0) this.failWith = undefined;
      throw err;
    }
    this.calls.push({ rows, run });
  }
  async writeIntelligence(intelligence: Row, recording: Row | null) {
    this.intelligence.push({ intelligence, recording });
  }
}

describe('DatasetSink with a database', () => {
  it('registers its run at start and writes each finished call with the run’s updated counts', async () => {
    const dir = await tempDir();
    const database = new FakeDatabase();
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), { database, runId: 'run-x' });
    expect(database.runs).toMatchObject([{ runId: 'run-x', source: 'analytics-sink', counts: { calls: 0 } }]);
    await playCall(bus, 'call-p', 3);
    schedule.elapse();
    await sink.flush();
    expect(database.calls).toHaveLength(1);
    const [written] = database.calls;
    expect(written?.rows.call).toMatchObject({ call_id: 'call-p', run_id: 'run-x', turn_count: 3 });
    expect(written?.rows.turns.map((t) => t.said)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(written?.run).toMatchObject({ runId: 'run-x', counts: { calls: 1, turns: 3 } });
  });

  it('keeps writing the files when the database refuses a call, and logs the error with its code', async () => {
    const dir = await tempDir();
    const database = new FakeDatabase();
    database.failWith = Object.assign(new Error('connection refused'), {
      code: 'SYNTH_DATABASE_UNREACHABLE',
    });
    const errors: Array<{ obj: object; msg: string | undefined }> = [];
    const logger = { ...quiet, error: (obj: object, msg?: string) => errors.push({ obj, msg }) };
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), { database, logger });
    await playCall(bus, 'call-q', 2);
    await playCall(bus, 'call-r', 2);
    schedule.elapse();
    await sink.flush();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-q', 'call-r']);
    expect((await readdir(join(dir, 'labels'))).sort()).toEqual(['call-q.json', 'call-r.json']);
    expect(errors.map((e) => [e.msg, (e.obj as { callId: string; code: string }).callId])).toEqual([
      ['could not write a call to PostgreSQL; its files are written, the write is retried', 'call-q'],
      ['could not write a call to PostgreSQL; its files are written, the write is retried', 'call-r'],
    ]);
    expect(errors[0]?.obj).toMatchObject({ code: 'SYNTH_DATABASE_UNREACHABLE' });
  });

  it('writes Voice Intelligence results that arrive after the call into the database too', async () => {
    const dir = await tempDir();
    const database = new FakeDatabase();
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), { database });
    await playCall(bus, 'call-s', 2);
    schedule.elapse();
    await sink.flush();
    const ev = callEvents('call-s');
    await publishResults(bus, ev);
    await bus.idle();
    await sink.flush();
    expect(database.intelligence).toHaveLength(1);
    expect(database.intelligence[0]?.intelligence).toMatchObject({
      call_id: 'call-s',
      transcript_sid: ev.analyzed.transcriptSid,
    });
    expect(database.intelligence[0]?.recording).toMatchObject({
      recording_sid: ev.recording.recordingSid,
    });
  });

  it('sends results that arrive before the call is written with the call, not ahead of its row', async () => {
    const dir = await tempDir();
    const database = new FakeDatabase();
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), { database });
    await playCall(bus, 'call-t', 2);
    await publishResults(bus, callEvents('call-t'));
    await bus.idle();
    schedule.elapse();
    await sink.flush();
    expect(database.intelligence).toEqual([]);
    expect(database.calls[0]?.rows.intelligence).toMatchObject({ call_id: 'call-t' });
    expect(database.calls[0]?.rows.recording).toMatchObject({ call_id: 'call-t' });
  });
});

const unreachable = () =>
  Object.assign(new Error('writing call: cannot connect to PostgreSQL at postgres://db/x: ECONNREFUSED'), {
    code: 'SYNTH_DATABASE_UNREACHABLE',
  });

/** A schedule for the retry timers alone: records each delay, and runs the next timer when the test says so. */
function retrySchedule() {
  const timers: Array<{ ms: number; run: () => void; cancelled: boolean }> = [];
  const schedule: Schedule = (run, ms) => {
    const timer = { ms, run, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const live = () => timers.filter((t) => !t.cancelled);
  return {
    schedule,
    delays: () => timers.map((t) => t.ms),
    waiting: () => live().length,
    fireNext: () => {
      const next = live()[0];
      if (!next) throw new Error('no retry timer is waiting');
      next.cancelled = true;
      next.run();
    },
  };
}

/** Records what the retry queue reports, in order. */
function fakeMetrics() {
  const pending: number[] = [];
  const retried: string[] = [];
  const dropped: string[] = [];
  return {
    pending,
    retried,
    dropped,
    port: {
      pending: (n: number) => pending.push(n),
      retried: (outcome: 'ok' | 'failed') => retried.push(outcome),
      dropped: (reason: 'queue_full' | 'rejected') => dropped.push(reason),
    },
  };
}

function recordingLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('DatasetSink retrying PostgreSQL writes', () => {
  async function setUp(database: FakeDatabase, retry: DatabaseRetryOptions = {}) {
    const dir = await tempDir();
    const timers = retrySchedule();
    const metrics = fakeMetrics();
    const { lines, logger } = recordingLogger();
    const started = await startSink(dir, manualSchedule(), {
      database,
      logger,
      databaseRetry: { schedule: timers.schedule, random: () => 0, metrics: metrics.port, ...retry },
    });
    const finish = async (...callIds: string[]) => {
      for (const callId of callIds) await playCall(started.bus, callId, 2);
      started.schedule.elapse();
      await started.sink.flush();
    };
    return { ...started, dir, timers, metrics, lines, finish };
  }
  it('retries a failed call write with doubling delays until it succeeds, writing each call once and in order', async () => {
    const database = new FakeDatabase();
    database.failNext(3, unreachable());
    const { sink, timers, metrics, lines, finish } = await setUp(database);
    await finish('call-a', 'call-b');
    // call-b is not tried while call-a waits: the database is known to be failing, and order is kept.
    expect(database.attempts).toEqual(['call-a']);
    expect(database.calls).toEqual([]);
    expect(sink.databasePending).toBe(2);
    expect(timers.delays()).toEqual([1_000]);

    timers.fireNext();
    await sink.flush();
    expect(timers.delays()).toEqual([1_000, 2_000]);
    timers.fireNext();
    await sink.flush();
    expect(timers.delays()).toEqual([1_000, 2_000, 4_000]);
    timers.fireNext();
    await sink.flush();

    expect(database.attempts).toEqual(['call-a', 'call-a', 'call-a', 'call-a', 'call-b']);
    expect(database.calls.map((c) => c.rows.callId)).toEqual(['call-a', 'call-b']);
    // The run row sent with a retried call has the counts of when it is written, not of when it first failed.
    expect(database.calls[0]?.run).toMatchObject({ counts: { calls: 2 } });
    expect(sink.databasePending).toBe(0);
    expect(timers.waiting()).toBe(0);
    expect(metrics.retried).toEqual(['failed', 'failed', 'ok', 'ok']);
    expect(metrics.pending).toEqual([1, 2, 1, 0]);

    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => [l.obj.callId, l.obj.code])).toEqual([
      ['call-a', 'SYNTH_DATABASE_UNREACHABLE'],
      ['call-b', 'SYNTH_DATABASE_UNREACHABLE'],
    ]);
    expect(errors[0]?.obj.reason).toMatch(/ECONNREFUSED/);
    // The reason, never the rows: no transcript text in the log.
    expect(JSON.stringify(lines)).not.toContain('line 0');
    const recovered = lines.filter((l) => l.msg === 'call written to PostgreSQL after its write failed');
    expect(recovered.map((l) => [l.obj.callId, l.obj.attempts])).toEqual([
      ['call-a', 4],
      ['call-b', 1],
    ]);
  });

  it('backs off from 1 s doubling to at most 60 s, shortened by up to 20 % from the injected random', async () => {
    const database = new FakeDatabase();
    database.failWith = unreachable();
    const randoms = [0, 0.5, 1, 0, 0, 0, 0, 0.5, 0];
    const { sink, timers, finish } = await setUp(database, { random: () => randoms.shift() ?? 0 });
    await finish('call-a');
    for (let i = 0; i < 8; i++) {
      timers.fireNext();
      await sink.flush();
    }
    expect(timers.delays()).toEqual([1_000, 1_800, 3_200, 8_000, 16_000, 32_000, 60_000, 54_000, 60_000]);
    expect(database.attempts).toHaveLength(9);
    expect(sink.databasePending).toBe(1);
  });

  it('drops a call when the retry queue is full, logging its callId and the reason and counting it', async () => {
    const database = new FakeDatabase();
    database.failWith = unreachable();
    const { sink, timers, metrics, lines, finish } = await setUp(database, { maxPending: 2 });
    await finish('call-a', 'call-b', 'call-c');
    expect(sink.databasePending).toBe(2);
    expect(metrics.dropped).toEqual(['queue_full']);
    const dropped = lines.filter((l) => l.level === 'error' && l.obj.callId === 'call-c');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.obj).toMatchObject({ callId: 'call-c', reason: 'retry queue full', maxPending: 2 });

    database.failWith = undefined;
    timers.fireNext();
    await sink.flush();
    expect(database.calls.map((c) => c.rows.callId)).toEqual(['call-a', 'call-b']);
  });

  it('writes the newest version of a waiting call: results that arrive meanwhile go with its rows', async () => {
    const database = new FakeDatabase();
    database.failNext(1, unreachable());
    const { bus, sink, timers, finish } = await setUp(database);
    await finish('call-v');
    await publishResults(bus, callEvents('call-v'));
    await bus.idle();
    await sink.flush();
    expect(sink.databasePending).toBe(1);

    timers.fireNext();
    await sink.flush();
    expect(database.calls).toHaveLength(1);
    expect(database.calls[0]?.rows.intelligence).toMatchObject({ call_id: 'call-v' });
    expect(database.calls[0]?.rows.recording).toMatchObject({ call_id: 'call-v' });
    expect(database.intelligence).toEqual([]);
  });

  it('does not retry rows the database rejects (a retry cannot change them), and counts them as dropped', async () => {
    const database = new FakeDatabase();
    database.failWith = Object.assign(new Error('violates check constraint'), {
      code: 'SYNTH_DATABASE_WRITE_FAILED',
      retryable: false,
    });
    const { sink, timers, metrics, lines, finish } = await setUp(database);
    await finish('call-x');
    expect(sink.databasePending).toBe(0);
    expect(timers.waiting()).toBe(0);
    expect(metrics.dropped).toEqual(['rejected']);
    expect(lines.filter((l) => l.level === 'error').map((l) => [l.obj.callId, l.obj.code])).toEqual([
      ['call-x', 'SYNTH_DATABASE_WRITE_FAILED'],
    ]);
  });

  it('tries the waiting writes once more on shutdown, and logs how many stay unwritten', async () => {
    const database = new FakeDatabase();
    database.failWith = unreachable();
    const { sink, timers, lines, finish } = await setUp(database);
    await finish('call-a', 'call-b');
    await sink.close();
    // Closing stops the background retries; the shutdown step below is the last try.
    expect(timers.waiting()).toBe(0);
    expect(await sink.flushDatabase(5_000)).toBe(2);
    const left = lines.find((l) => l.msg?.startsWith('calls not written to PostgreSQL at shutdown'));
    expect(left?.obj).toMatchObject({ pending: 2, calls: ['call-a', 'call-b'] });

    database.failWith = undefined;
    expect(await sink.flushDatabase(5_000)).toBe(0);
    expect(database.calls.map((c) => c.rows.callId)).toEqual(['call-a', 'call-b']);
  });

  it('gives up the shutdown flush after its timeout when the database hangs', async () => {
    const database = new FakeDatabase();
    database.failNext(1, unreachable());
    const { sink, timers, finish } = await setUp(database);
    await finish('call-h');
    database.writeCall = () => new Promise<void>(() => undefined);
    await sink.close();
    const flushing = sink.flushDatabase(3_000);
    await new Promise((r) => setImmediate(r));
    expect(timers.delays().at(-1)).toBe(3_000);
    timers.fireNext();
    expect(await flushing).toBe(1);
  });
});

describe('groundTruthOf', () => {
  it('finds no ground truth in a state without a scripted record or with unreadable provider state', () => {
    const state = exampleEvents('call-g').ConversationState;
    expect(groundTruthOf({ ...state, providerState: null })).toBeNull();
    expect(groundTruthOf({ ...state, providerState: '{not json' })).toBeNull();
    expect(groundTruthOf({ ...state, providerState: JSON.stringify({ provider: { other: 1 } }) })).toBeNull();
  });
});
