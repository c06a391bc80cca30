import { describe, expect, it } from 'vitest';
import { parseTwiml } from './twiml.js';

describe('parseTwiml', () => {
  it('reads verbs in order with Twilio defaults', () => {
    const parsed = parseTwiml(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi &amp; welcome</Say><Pause/><Gather input="speech"><Say loop="2">Go</Say></Gather><Redirect>/next</Redirect><Hangup/></Response>',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.verbs.map((v) => v.kind)).toEqual(['Say', 'Pause', 'Gather', 'Redirect', 'Hangup']);
    expect(parsed.verbs[0]).toMatchObject({ text: 'Hi & welcome', loop: 1, voice: undefined });
    expect(parsed.verbs[1]).toMatchObject({ lengthSec: 1 });
    expect(parsed.verbs[2]).toMatchObject({
      input: ['speech'],
      method: 'POST',
      timeoutSec: 5,
      speechTimeout: 5,
      speechModel: 'default',
      actionOnEmptyResult: false,
      action: undefined,
      nested: [{ kind: 'Say', text: 'Go', loop: 2 }],
    });
    expect(parsed.verbs[3]).toMatchObject({ url: '/next', method: 'POST' });
  });

  it('reads <Dial><Conference> attributes and their defaults', () => {
    const parsed = parseTwiml(
      '<Response><Dial action="/after"><Conference participantLabel="agent" endConferenceOnExit="true" statusCallbackEvent="start end join">room</Conference></Dial></Response>',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.verbs[0]).toMatchObject({
      kind: 'Dial',
      action: '/after',
      conference: {
        name: 'room',
        participantLabel: 'agent',
        endConferenceOnExit: true,
        startConferenceOnEnter: true,
        muted: false,
        record: 'do-not-record',
        statusCallbackEvent: ['start', 'end', 'join'],
        recordingStatusCallbackEvent: ['completed'],
      },
    });
  });

  it('fails malformed XML and a root other than <Response> with 12100', () => {
    expect(parseTwiml('<Response><Say>oops</Response>')).toMatchObject({ ok: false, code: 12100 });
    expect(parseTwiml('<Reply><Say>hi</Say></Reply>')).toMatchObject({ ok: false, code: 12100 });
  });

  it('keeps unknown verbs and warns about Gather attributes Twilio rejects', () => {
    const parsed = parseTwiml(
      '<Response><Gather input="speech" speechTimeout="auto" speechModel="phone_call" actionOnEmptyResult="maybe"/><Gather speechTimeout="-3"/><Moonwalk/></Response>',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.warnings.map((w) => w.code)).toEqual([13335, 13338, 13327]);
    expect(parsed.verbs[2]).toEqual({ kind: 'Unknown', name: 'Moonwalk' });
  });

  it('reads bargeIn (true unless said otherwise) and maxSpeechTime (60 s unless set), and warns on values Twilio rejects', () => {
    const parsed = parseTwiml(
      '<Response><Gather input="speech" bargeIn="false" maxSpeechTime="3"/><Gather input="speech"/><Gather bargeIn="yes" maxSpeechTime="0"/></Response>',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const gathers = parsed.verbs.map((v) => (v.kind === 'Gather' ? [v.bargeIn, v.maxSpeechTimeSec] : null));
    expect(gathers).toEqual([
      [false, 3],
      [true, 60],
      [true, 60],
    ]);
    expect(parsed.warnings.map((w) => w.code)).toEqual([13332, 13328]);
  });
});
