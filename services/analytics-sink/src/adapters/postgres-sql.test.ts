import { exampleEvents } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from '../domain/dataset.js';
import { callRowsOf, runRowOf } from '../domain/dataset-rows.js';
import { deleteStaleStatement, TABLES, type TableSpec, upsertStatement } from './postgres-sql.js';

const ev = exampleEvents('call-1');
const pets: TableSpec = {
  name: 'pets',
  key: [
    { column: 'call_id', type: 'text' },
    { column: 'turn', type: 'int' },
  ],
  columns: ['name', 'age'],
};

describe('upsertStatement', () => {
  it('inserts every row in one statement and updates the non-key columns on a key conflict', () => {
    const s = upsertStatement(pets, [
      { call_id: 'c', turn: 0, name: 'Rex', age: 3 },
      { call_id: 'c', turn: 1, name: null, age: 4 },
    ]);
    expect(s.text).toBe(
      'INSERT INTO pets (call_id, turn, name, age) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) ' +
        'ON CONFLICT (call_id, turn) DO UPDATE SET name = EXCLUDED.name, age = EXCLUDED.age',
    );
    expect(s.values).toEqual(['c', 0, 'Rex', 3, 'c', 1, null, 4]);
  });

  it('refuses a row that lacks a column rather than writing NULL into it', () => {
    expect(() => upsertStatement(pets, [{ call_id: 'c', turn: 0, name: 'Rex' }])).toThrow(/pets has no age/);
  });

  it('has exactly the columns the row mapping fills, for every table', () => {
    const d = new DatasetBuilder();
    d.onPlanned(ev.CallPlanned);
    d.onReply(ev.ReplyReady, true);
    d.onRecording(ev.RecordingCompleted);
    d.onTranscript(ev.TranscriptAnalyzed);
    const rows = callRowsOf(
      {
        record: d.record('call-1'),
        transcript: d.transcript('call-1'),
        labels: {
          ...d.labels('call-1'),
          spokenPii: [{ type: 'name', value: 'Ana', turn: 0, start: 0, end: 3 }],
        },
        recording: d.recordingOf('call-1'),
        intelligence: d.intelligence('call-1'),
      },
      { runId: 'r' },
    );
    const run = runRowOf({
      runId: 'r',
      source: 'analytics-sink',
      seed: null,
      config: {},
      versions: {},
      personas: null,
      counts: {},
      startedAt: 't',
      updatedAt: 't',
      finishedAt: null,
    });
    const columnsOf = (t: TableSpec) => [...t.key.map((k) => k.column), ...t.columns].sort();
    const pairs: Array<[TableSpec, object | undefined | null]> = [
      [TABLES.runs, run],
      [TABLES.calls, rows.call],
      [TABLES.turns, rows.turns[0]],
      [TABLES.labels, rows.labels],
      [TABLES.spokenPii, rows.spokenPii[0]],
      [TABLES.recordings, rows.recording],
      [TABLES.intelligence, rows.intelligence],
    ];
    for (const [table, row] of pairs) {
      expect({ table: table.name, columns: Object.keys(row ?? {}).sort() }).toEqual({
        table: table.name,
        columns: columnsOf(table),
      });
    }
  });
});

describe('deleteStaleStatement', () => {
  it('deletes the call’s rows whose key is not among the new rows, one typed array per key column', () => {
    const s = deleteStaleStatement(pets, 'c', [
      { call_id: 'c', turn: 0, name: 'Rex', age: 3 },
      { call_id: 'c', turn: 2, name: 'Bo', age: 1 },
    ]);
    expect(s.text).toBe(
      'DELETE FROM pets WHERE call_id = $1 AND (turn) NOT IN (SELECT * FROM unnest($2::int[]))',
    );
    expect(s.values).toEqual(['c', [0, 2]]);
  });

  it('deletes all of the call’s rows when it has none now', () => {
    expect(deleteStaleStatement(TABLES.spokenPii, 'c', []).values).toEqual(['c', [], [], [], []]);
  });
});
