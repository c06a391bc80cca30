import { exampleEvents, type OperatorResult } from '@synthcall/schemas';
import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from './dataset.js';
import { analysisOf, operatorKindOf, SegmentCallTracker } from './segment-events.js';

const operator = (o: Partial<OperatorResult> & Pick<OperatorResult, 'name' | 'operatorType'>) => ({
  operatorSid: 'LY0',
  predictedLabel: null,
  predictedProbability: null,
  textResult: null,
  extractResults: {},
  rawJson: '{}',
  ...o,
});

describe('Segment mapping of operator results', () => {
  it('recognises operators by type and name, with hyphenated or underscored types', () => {
    expect(operatorKindOf({ name: 'Anything', operatorType: 'pii-extract' })).toBe('pii');
    expect(operatorKindOf({ name: 'Conversation Summary', operatorType: 'text-generation' })).toBe('summary');
    expect(operatorKindOf({ name: 'Sentiment Analysis', operatorType: 'conversation_classify' })).toBe(
      'sentiment',
    );
    expect(operatorKindOf({ name: 'Call Intent', operatorType: 'conversation_classify' })).toBe('callReason');
    expect(operatorKindOf({ name: 'Agent Greeting', operatorType: 'utterance_classify' })).toBeNull();
  });

  it('reports PII entity types found, sorted, without the values, and ignores empty types', () => {
    const analysis = analysisOf([
      operator({
        name: 'PII Extraction',
        operatorType: 'pii_extract',
        extractResults: { SSN: [], PHONE_NUMBER: ['555 0100'], CREDIT_CARD: ['4111 1111'] },
      }),
    ]);
    expect(analysis.piiTypes).toEqual(['CREDIT_CARD', 'PHONE_NUMBER']);
    expect(JSON.stringify(analysis)).not.toContain('555 0100');
  });

  it('gives nulls and no PII when the service ran no operators', () => {
    expect(analysisOf([])).toEqual({
      sentiment: null,
      sentimentProbability: null,
      callReason: null,
      callReasonProbability: null,
      piiTypes: [],
      summary: null,
    });
  });
});

describe('SegmentCallTracker', () => {
  const ex = exampleEvents('call-0007');

  it('holds Call Started and Call Analyzed until the plan arrives, then sends identify first', () => {
    const tracker = new SegmentCallTracker();
    expect(tracker.onLifecycle(ex.CallLifecycle)).toEqual([]);
    expect(tracker.onAnalyzed(ex.TranscriptAnalyzed)).toEqual([]);
    const sent = tracker.onPlanned(ex.CallPlanned);
    expect(sent.map((m) => m.messageId)).toEqual([
      'call-0007:identify',
      'call-0007:call-started',
      'call-0007:call-analyzed',
    ]);
    expect(sent.every((m) => m.userId === 'dana-whitfield')).toBe(true);
  });

  it('returns each messageId once however often the same events come', () => {
    const tracker = new SegmentCallTracker();
    const all = [
      ...tracker.onPlanned(ex.CallPlanned),
      ...tracker.onPlanned(ex.CallPlanned),
      ...tracker.onLifecycle(ex.CallLifecycle),
      ...tracker.onLifecycle(ex.CallLifecycle),
      ...tracker.onAnalyzed(ex.TranscriptAnalyzed),
      ...tracker.onAnalyzed({ ...ex.TranscriptAnalyzed, eventId: 'a second transcript' }),
    ];
    expect(all.map((m) => m.messageId)).toEqual([
      'call-0007:identify',
      'call-0007:call-started',
      'call-0007:call-analyzed',
    ]);
  });

  it('lists the calls still waiting for their plan with no event since the given time, not the planned ones', () => {
    let now = 1_000;
    const tracker = new SegmentCallTracker(() => now);
    const started = { ...ex.CallLifecycle, type: 'conference_started' as const };
    tracker.onLifecycle({ ...started, callId: 'no-plan' });
    tracker.onAnalyzed({ ...ex.TranscriptAnalyzed, callId: 'no-plan-later' });
    tracker.onPlanned({ ...ex.CallPlanned, callId: 'planned' });
    now = 5_000;
    tracker.onLifecycle({ ...started, callId: 'no-plan-later' });
    expect(tracker.waitingSince(4_000)).toEqual(['no-plan']);
    expect(tracker.waitingSince(6_000).sort()).toEqual(['no-plan', 'no-plan-later']);
  });

  it('marks a call that failed to connect as failed, with no end reason or outcome', () => {
    const tracker = new SegmentCallTracker();
    const dataset = new DatasetBuilder();
    dataset.onPlanned(ex.CallPlanned);
    tracker.onPlanned(ex.CallPlanned);
    const failedAt = new Date('2026-01-15T10:00:05.000Z');
    const failed = { ...ex.CallLifecycle, type: 'call_failed' as const, occurredAt: failedAt };
    dataset.onLifecycle(failed);
    tracker.onLifecycle(failed);
    const [completed] = tracker.onCompleted(dataset.record('call-0007'));
    expect(completed).toMatchObject({
      event: 'Call Completed',
      timestamp: '2026-01-15T10:00:05.000Z',
      properties: { failed: true, endReason: null, outcome: null, turns: 0, synthetic: true },
    });
  });
});
