import type { CallLifecycle, CallPlanned, ReplyReady } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { LiveBoard } from './live-board.js';

const planned = (callId: string): CallPlanned =>
  ({
    eventId: `${callId}:planned`,
    callId,
    customer: { id: 'cust-a', name: 'Ann Customer', voice: 'v', language: 'en-US' },
    agent: { id: 'agent-b', name: 'Bob Agent', voice: 'v', language: 'en-US' },
    scenario: {
      industry: 'telecom',
      issueCategory: 'outage',
      issueComplexity: 2,
      demeanor: 'angry',
      summary: 's',
    },
  }) as CallPlanned;

const line = (callId: string, role: 'customer' | 'agent', turn: number, text: string, fallback = false) =>
  ({ eventId: `${callId}:${role}:${turn}`, callId, role, turn, text, fallback }) as ReplyReady;

const ended = (callId: string, endReason: CallLifecycle['endReason']) =>
  ({ eventId: `${callId}:end`, callId, type: 'call_ended', endReason, endedBy: 'agent' }) as CallLifecycle;

describe('the live board', () => {
  it('shows a planned call in progress with its last spoken line, then among the ended with its reason', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const board = new LiveBoard('memory', () => now);
    expect(board.planned(planned('c1'))).toBe(true);
    board.spokenLine(line('c1', 'agent', 0, 'Hello, how can I help?'));
    board.spokenLine(line('c1', 'customer', 1, 'My line is down.', true));
    let snap = board.snapshot();
    expect(snap.active).toMatchObject([
      { callId: 'c1', customer: 'Ann Customer', turns: 2, speaker: 'customer', lastLine: 'My line is down.' },
    ]);
    expect(snap.totals).toMatchObject({ started: 1, lines: 2, fallbacks: 1, ended: 0 });
    now += 1_000;
    board.lifecycle(ended('c1', 'resolved'));
    snap = board.snapshot();
    expect(snap.active).toEqual([]);
    expect(snap.ended).toMatchObject([{ callId: 'c1', endReason: 'resolved', endedBy: 'agent', turns: 2 }]);
    expect(snap.callsPerMin).toBe(1);
    now += 61_000;
    expect(board.snapshot().callsPerMin).toBe(0);
  });

  it('counts a redelivered event once', () => {
    const board = new LiveBoard('kafka', () => 0);
    board.planned(planned('c1'));
    expect(board.planned(planned('c1'))).toBe(false);
    board.spokenLine(line('c1', 'agent', 0, 'Hi'));
    expect(board.spokenLine(line('c1', 'agent', 0, 'Hi'))).toBe(false);
    board.lifecycle(ended('c1', 'escalated'));
    expect(board.lifecycle(ended('c1', 'escalated'))).toBe(false);
    expect(board.planned(planned('c1'))).toBe(false);
    expect(board.snapshot().totals).toMatchObject({ started: 1, lines: 1, ended: 1 });
  });

  it('ignores lifecycle steps other than the call’s end, and lines of calls it never saw planned', () => {
    const board = new LiveBoard('memory', () => 0);
    board.planned(planned('c1'));
    expect(board.lifecycle({ ...ended('c1', null), type: 'participant_left' })).toBe(false);
    expect(board.spokenLine(line('other', 'agent', 0, 'x'))).toBe(false);
    expect(board.snapshot().active).toHaveLength(1);
  });

  it('counts dead letters', () => {
    const board = new LiveBoard('memory', () => 0);
    board.deadLetter();
    board.deadLetter();
    expect(board.snapshot().totals.deadLetters).toBe(2);
  });
});
