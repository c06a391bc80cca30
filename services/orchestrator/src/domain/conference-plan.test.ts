import { describe, expect, it } from 'vitest';
import { CALLBACK_PATHS, callIdFor, dialTarget, planConference } from './conference-plan.js';

describe('conference plan', () => {
  it('derives the callId from the request id and the zero-padded index', () => {
    expect(callIdFor('req-9', 7)).toBe('req-9-0007');
    expect(callIdFor('req-9', 12345)).toBe('req-9-12345');
  });

  it('adds callId and role to an app: target, keeping its own parameters, and leaves numbers alone', () => {
    const target = dialTarget('app:AP0000000000000000000000000000a001?x=1', 'req-0001', 'agent');
    const [app, query] = target.split('?');
    expect(app).toBe('app:AP0000000000000000000000000000a001');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      x: '1',
      callId: 'req-0001',
      role: 'agent',
    });
    expect(dialTarget('+15005550006', 'req-0001', 'agent')).toBe('+15005550006');
  });

  it('puts the customer first, labels both legs, and points every callback at the gateway with the callId', () => {
    const plan = planConference('req-0001', {
      from: '+15005550006',
      customerTo: '+15005550001',
      agentTo: '+15005550002',
      gatewayPublicUrl: 'https://gw.example.test/base/',
      timeLimitSec: 300,
    });
    expect(plan.conferenceName).toBe('synthcall-req-0001');
    expect(plan.participants.map((p) => [p.role, p.label, p.to])).toEqual([
      ['customer', 'customer', '+15005550001'],
      ['agent', 'agent', '+15005550002'],
    ]);
    const legUrl = new URL(plan.participants[1].statusCallbackUrl);
    expect(legUrl.origin + legUrl.pathname).toBe(`https://gw.example.test/base${CALLBACK_PATHS.call}`);
    expect(Object.fromEntries(legUrl.searchParams)).toEqual({ callId: 'req-0001', role: 'agent' });
    expect(new URL(plan.conferenceStatusCallbackUrl).pathname).toBe(`/base${CALLBACK_PATHS.conference}`);
    expect(new URL(plan.recordingStatusCallbackUrl).searchParams.get('callId')).toBe('req-0001');
    expect(plan.timeLimitSec).toBe(300);
  });
});
