import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@synthcall/event-bus';
import { exampleEvents, SPOKEN_HEADER, TOPICS } from '@synthcall/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseRetryOptions } from './database-retry-queue.js';
import { type DatasetDatabase, DatasetSink, type DatasetSinkOptions, type Schedule } from './dataset-sink.js';
import type { CallRows, Row, RunInfo } from './domain/dataset-rows.js';
import type { LabelMetrics } from './label-metrics.js';
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

/** A call's plan, its turns, its end and its ground truth: what the sink needs to write it (no results yet). */
async function playCall(bus: MemoryEventBus, callId: string, turns: number) {
  await publishCall(bus, callEvents(callId, { turns }), ['planned', 'replies', 'ended', 'groundTruth']);
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
    .map(
      (l) =>
        JSON.parse(l) as { callId: string; turnCount: number; synthetic: boolean; endReason: string | null },
    );
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
    await bus.publish(
      TOPICS.replies,
      'call-a',
      { ...ev.ReplyReady, eventId: 'late', turn: 3, text: 'Bye.' },
      { [SPOKEN_HEADER]: 'true' },
    );
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
      source: 'provider',
      // The ground truth's misheard id (the schema's example, at turn 1) was never said: these lines are "line N".
      // A label points only at words spoken (dataset.test.ts has the figure said, read back and corrected).
      misunderstandings: [],
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

  it('writes a call that never ended (its end lost) with end reason error when abandonMs passed, instead of dropping it', async () => {
    const dir = await tempDir();
    let now = Date.parse('2026-02-01T10:00:00Z');
    const warnings: Array<{ obj: object; msg?: string }> = [];
    const { bus, sink, schedule } = await startSink(dir, manualSchedule(), {
      abandonMs: 60_000,
      now: () => new Date(now),
      logger: { ...quiet, warn: (obj, msg) => warnings.push({ obj, ...(msg ? { msg } : {}) }) },
    });
    await publishUnfinished(bus, 'call-lost');
    await bus.idle();
    expect(sink.callsInMemory).toBe(1);

    now += 120_000;
    await playCall(bus, 'call-done', 2);
    schedule.elapse();
    await sink.flush();
    // The sweep runs on the first event after abandonMs (here, call-done's plan): the lost call is written first.
    const written = await lines(dir);
    expect(written.map((r) => [r.callId, r.endReason])).toEqual([
      ['call-lost', 'error'],
      ['call-done', 'resolved'],
    ]);
    expect(JSON.parse(await readFile(join(dir, 'labels', 'call-lost.json'), 'utf8'))).toMatchObject({
      endReason: 'error',
    });
    expect(warnings).toContainEqual({
      obj: expect.objectContaining({ callId: 'call-lost', detail: expect.stringMatching(/^never ended/) }),
      msg: 'a call never ended: writing it as ended by error',
    });
    // Its end arriving late writes nothing twice.
    await publishCall(bus, callEvents('call-lost', { turns: 1 }), ['ended']);
    schedule.elapse();
    await sink.flush();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-lost', 'call-done']);
  });

  /** Every event of a call but its plan: what a replica gets for a call whose plan went to another one. */
  const publishWithoutPlan = (bus: MemoryEventBus, callId: string) =>
    publishCall(
      bus,
      callEvents(callId, { turns: 1 }),
      ALL_CALL_EVENT_PARTS.filter((part) => part !== 'planned'),
    );

  const nothingHeld = {
    calls: 0,
    waitingForPlan: 0,
    finished: 0,
    settling: 0,
    awaitingGroundTruth: 0,
    retained: 0,
    inDatabase: 0,
  };

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
    await bus.idle();
    expect(sink.heldCalls()).toMatchObject({ calls: 0, waitingForPlan: 50 });

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

  it('shares its folder with another replica: the manifest counts both replicas’ calls, and a call the other wrote is not written again', async () => {
    const dir = await tempDir();
    const here = await startSink(dir);
    const there = await startSink(dir);
    await playCall(there.bus, 'call-there', 4);
    there.schedule.elapse();
    await there.sink.flush();
    // The other replica's call delivered here too (its partition moved in a rebalance) before this one wrote any.
    await playCall(here.bus, 'call-there', 4);
    await playCall(here.bus, 'call-here', 2);
    here.schedule.elapse();
    await here.sink.flush();
    expect((await lines(dir)).map((r) => r.callId)).toEqual(['call-there', 'call-here']);
    expect((await readJson(join(dir, 'manifest.json'))).counts).toMatchObject({ calls: 2, turns: 6 });
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
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

/** Records what the sink reports about the labels it writes. */
function fakeLabelMetrics() {
  const fromPlan: string[] = [];
  let piiDropped = 0;
  const port: LabelMetrics = {
    fromPlan: (reason) => fromPlan.push(reason),
    piiDropped: (n) => {
      piiDropped += n;
    },
  };
  return { port, fromPlan, piiDropped: () => piiDropped };
}

/** A schedule that remembers each timer's delay and runs the due ones when the test says so. */
function delaySchedule() {
  const timers: Array<{ ms: number; run: () => void; cancelled: boolean; done: boolean }> = [];
  const schedule: Schedule = (run, ms) => {
    const timer = { ms, run, cancelled: false, done: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const live = () => timers.filter((t) => !t.cancelled && !t.done);
  return {
    schedule,
    /** Delays of the timers waiting now. */
    waiting: () => live().map((t) => t.ms),
    elapse: () => {
      for (const t of live()) {
        t.done = true;
        t.run();
      }
    },
  };
}

describe('DatasetSink labels from GroundTruthRecorded', () => {
  async function setUp(extra: Partial<DatasetSinkOptions> = {}) {
    const dir = await tempDir();
    const timers = delaySchedule();
    const metrics = fakeLabelMetrics();
    const { lines: logs, logger } = recordingLogger();
    const started = await startSink(
      dir,
      { schedule: timers.schedule, elapse: timers.elapse, waiting: () => timers.waiting().length },
      { groundTruthWaitMs: 30_000, labelMetrics: metrics.port, logger, ...extra },
    );
    const labelsOf = (callId: string) => readJson(join(dir, 'labels', `${callId}.json`));
    const transcriptOf = (callId: string) => readJson(join(dir, 'transcripts', `${callId}.json`));
    return { ...started, dir, timers, metrics, logs, labelsOf, transcriptOf };
  }

  /** A call with a customer line that names the caller, and its ground truth pointing at the name. */
  const namedCall = (callId: string) =>
    callEvents(callId, {
      turns: 4,
      reply: (turn) => (turn === 1 ? { text: 'Hi, I am Dana Reyes.' } : {}),
      groundTruth: {
        provider: 'openai',
        model: 'smollm2-135m',
        intendedOutcome: 'escalated',
        demeanorTrajectory: [{ turn: 1, demeanor: 'anxious' }],
        pii: [{ type: 'person_name', value: 'Dana Reyes', turn: 1, start: 9, end: 19 }],
      },
    });

  it('writes a call whose ground truth came before its end once it has settled, labels and turns from the ground truth', async () => {
    const { bus, sink, timers, metrics, labelsOf, transcriptOf } = await setUp();
    const e = namedCall('call-gt');
    e.groundTruth.turns = e.groundTruth.turns.map((t) =>
      t.turn === 1 ? { ...t, move: 'disclose', realizedBy: 'model' as const } : t,
    );
    await publishCall(bus, e, ['planned', 'replies', 'groundTruth', 'ended']);
    await bus.idle();
    expect(timers.waiting()).toEqual([2_000]);
    timers.elapse();
    await sink.flush();
    expect(await labelsOf('call-gt')).toMatchObject({
      source: 'provider',
      provider: 'openai',
      model: 'smollm2-135m',
      groundTruthVersion: 1,
      intendedOutcome: 'escalated',
      demeanor: 'anxious',
      spokenPii: [{ type: 'person_name', value: 'Dana Reyes', turn: 1, start: 9, end: 19 }],
      droppedPii: [],
      turnsRealizedBy: { model: 1, template: 3, fallback: 0 },
      endReason: 'resolved',
      endedBy: 'agent',
      synthetic: true,
    });
    expect(
      (await transcriptOf('call-gt')).turns.map((t: { realizedBy: string; move: string }) => t),
    ).toMatchObject([
      { turn: 0, realizedBy: 'template', move: 'step' },
      { turn: 1, said: 'Hi, I am Dana Reyes.', realizedBy: 'model', move: 'disclose' },
      { turn: 2, realizedBy: 'template' },
      { turn: 3, realizedBy: 'template' },
    ]);
    expect(metrics.fromPlan).toEqual([]);
  });

  it('waits past the settle period for a ground truth that comes after the end, and writes the call when it arrives', async () => {
    const { bus, sink, timers, labelsOf } = await setUp();
    const e = namedCall('call-late');
    await publishCall(bus, e, ['planned', 'replies', 'ended']);
    await bus.idle();
    timers.elapse();
    // Settled, but no ground truth yet: nothing written, waiting the rest of groundTruthWaitMs.
    await expect(readFile(join(sink.dir, 'calls.jsonl'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(sink.heldCalls()).toMatchObject({ settling: 1, awaitingGroundTruth: 1 });
    expect(timers.waiting()).toEqual([28_000]);

    await publishCall(bus, e, ['groundTruth']);
    await bus.idle();
    expect(sink.heldCalls()).toMatchObject({ settling: 0, awaitingGroundTruth: 0 });
    expect(timers.waiting().filter((ms) => ms === 28_000)).toEqual([]);
    await sink.flush();
    expect((await lines(sink.dir)).map((r) => r.callId)).toEqual(['call-late']);
    expect(await labelsOf('call-late')).toMatchObject({
      source: 'provider',
      spokenPii: [{ value: 'Dana Reyes' }],
    });
  });

  it('keeps the highest version of a call’s ground truth: a redelivered older version is ignored', async () => {
    const { bus, sink, timers, labelsOf } = await setUp();
    const e = namedCall('call-v');
    const v2 = {
      ...e.groundTruth,
      eventId: 'call-v:ground_truth:2',
      version: 2,
      provider: 'openai',
      model: 'm2',
    };
    const v1 = { ...e.groundTruth, provider: 'scripted', model: null, pii: [] };
    await publishCall(bus, e, ['planned', 'replies', 'ended']);
    await bus.publish(TOPICS.groundTruth, 'call-v', v2);
    await bus.publish(TOPICS.groundTruth, 'call-v', v1);
    await bus.idle();
    timers.elapse();
    await sink.flush();
    expect(await labelsOf('call-v')).toMatchObject({
      groundTruthVersion: 2,
      provider: 'openai',
      model: 'm2',
      spokenPii: [{ value: 'Dana Reyes' }],
    });
  });

  it('writes a call whose ground truth never arrives after groundTruthWaitMs, labelled from its plan, logged and counted', async () => {
    const { bus, sink, timers, metrics, logs, labelsOf } = await setUp();
    const e = namedCall('call-none');
    await publishCall(bus, e, ['planned', 'replies', 'ended']);
    await bus.idle();
    timers.elapse(); // the settle period
    timers.elapse(); // the rest of the wait
    await sink.flush();
    expect((await lines(sink.dir)).map((r) => r.callId)).toEqual(['call-none']);
    expect(await labelsOf('call-none')).toMatchObject({
      source: 'plan',
      provider: null,
      model: null,
      groundTruthVersion: null,
      intendedOutcome: e.planned.expectedOutcome,
      demeanor: e.planned.scenario.demeanor,
      spokenPii: [],
      droppedPii: [],
    });
    expect(metrics.fromPlan).toEqual(['ground_truth_missing']);
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.obj.callId])).toEqual([
      ['no ground truth arrived for the call; writing it with labels from its plan', 'call-none'],
    ]);

    // Arriving after all, it is logged: the labels file is not rewritten.
    await publishCall(bus, e, ['groundTruth']);
    await bus.idle();
    expect(logs.at(-1)).toMatchObject({ level: 'warn', obj: { callId: 'call-none', labelledVersion: 0 } });
    expect(await labelsOf('call-none')).toMatchObject({ source: 'plan' });
  });

  it('does not wait for the ground truth of a call that failed to start', async () => {
    const { bus, sink, timers, metrics, labelsOf } = await setUp();
    const e = callEvents('call-failed', {
      turns: 0,
      ended: { type: 'call_failed', endReason: null, endedBy: null },
    });
    await publishCall(bus, e, ['planned', 'ended']);
    await bus.idle();
    timers.elapse();
    await sink.flush();
    expect(await labelsOf('call-failed')).toMatchObject({ source: 'plan' });
    expect(metrics.fromPlan).toEqual(['call_failed']);
  });

  it('labels only PII spans the spoken text holds: a gateway fallback turn loses the spans of the engine’s line', async () => {
    const { bus, sink, timers, metrics, logs, labelsOf, transcriptOf } = await setUp();
    const engineLine = 'Sure, my number is 555-0142.';
    const e = callEvents('call-fb', {
      turns: 4,
      reply: (turn) =>
        turn === 1
          ? // The engine's line for turn 1 was late: the gateway spoke its fallback line first.
            { text: 'Sorry, could you say that again?', fallback: true }
          : turn === 3
            ? { text: 'I am Dana Reyes.' }
            : {},
      groundTruth: {
        pii: [
          { type: 'phone_number', value: '555-0142', turn: 1, start: 19, end: 27 },
          { type: 'person_name', value: 'Dana Reyes', turn: 3, start: 5, end: 15 },
          // Offsets one off in a line that was spoken.
          { type: 'person_name', value: 'Dana', turn: 3, start: 4, end: 8 },
        ],
      },
    });
    e.groundTruth.turns = e.groundTruth.turns.map((t) =>
      t.turn === 1 ? { ...t, text: engineLine, realizedBy: 'model' as const, move: 'disclose' } : t,
    );
    await publishCall(bus, e, ['planned', 'replies', 'ended', 'groundTruth']);
    // The engine's late line for turn 1 arrives too; no gateway recorded it as spoken.
    const [, spoken] = e.replies;
    if (!spoken) throw new Error('the call has no turn 1');
    await bus.publish(TOPICS.replies, 'call-fb', {
      ...spoken,
      eventId: 'late',
      text: engineLine,
      fallback: false,
    });
    await bus.idle();
    timers.elapse();
    await sink.flush();
    const labels = await labelsOf('call-fb');
    expect(labels.spokenPii).toEqual([
      { type: 'person_name', value: 'Dana Reyes', turn: 3, start: 5, end: 15 },
    ]);
    expect(labels.droppedPii).toEqual([
      { type: 'phone_number', value: '555-0142', turn: 1, start: 19, end: 27 },
      { type: 'person_name', value: 'Dana', turn: 3, start: 4, end: 8 },
    ]);
    expect(labels.turnsRealizedBy).toEqual({ model: 0, template: 3, fallback: 1 });
    const turn1 = (await transcriptOf('call-fb')).turns[1];
    expect(turn1).toMatchObject({
      said: 'Sorry, could you say that again?',
      fallback: true,
      realizedBy: 'fallback',
    });
    expect(metrics.piiDropped()).toBe(2);
    expect(logs.find((l) => l.level === 'warn')).toMatchObject({
      obj: { callId: 'call-fb', dropped: 2, kept: 1 },
    });
  });

  it('writes the turns’ realizedBy and move and the labels’ provider, model and dropped spans to the database', async () => {
    const database = new FakeDatabase();
    const { bus, sink, timers } = await setUp({ database });
    const e = namedCall('call-db');
    e.groundTruth.pii.push({ type: 'person_name', value: 'Dana', turn: 0, start: 0, end: 4 });
    await publishCall(bus, e, ['planned', 'replies', 'ended', 'groundTruth']);
    await bus.idle();
    timers.elapse();
    await sink.flush();
    const rows = database.calls[0]?.rows;
    expect(rows?.turns.map((t) => [t.turn, t.realized_by, t.move])).toEqual([
      [0, 'template', 'step'],
      [1, 'template', 'step'],
      [2, 'template', 'step'],
      [3, 'template', 'step'],
    ]);
    expect(rows?.labels).toMatchObject({
      source: 'provider',
      provider: 'openai',
      model: 'smollm2-135m',
      dropped_pii: 1,
    });
    expect(rows?.spokenPii.map((p) => p.value)).toEqual(['Dana Reyes']);
  });
});
