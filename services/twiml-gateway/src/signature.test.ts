import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { checkSignature, signatureForUrl } from './signature.js';

const token = 'test-auth-token-0123456789abcdef';
const url = 'https://gateway.example.test/twilio/gather?callId=call-1&role=agent&heard=1';
const params = {
  CallSid: 'CA0123456789abcdef0123456789abcdef',
  SpeechResult: 'My internet has been down since Tuesday.',
  Confidence: '0.93',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
};

describe('signature', () => {
  it("computes the same signature as the SDK's getExpectedTwilioSignature", () => {
    expect(signatureForUrl(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
  });

  it("matches the worked example of Twilio's security docs", () => {
    const docParams = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    };
    expect(signatureForUrl('12345', 'https://example.com/myapp.php?foo=1&bar=2', docParams)).toBe(
      twilio.getExpectedTwilioSignature('12345', 'https://example.com/myapp.php?foo=1&bar=2', docParams),
    );
  });

  it('accepts a request signed by the SDK and rejects one with a changed parameter', () => {
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    expect(checkSignature(token, signature, url, params)).toBe('valid');
    expect(checkSignature(token, signature, url, { ...params, SpeechResult: 'something else' })).toBe(
      'invalid',
    );
    expect(checkSignature('another-token', signature, url, params)).toBe('invalid');
  });

  it('falls back to the SDK for the URL variants Twilio may sign (an explicit :443 port)', () => {
    const withPort = url.replace('gateway.example.test', 'gateway.example.test:443');
    const signature = twilio.getExpectedTwilioSignature(token, withPort, params);
    expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
    expect(checkSignature(token, signature, url, params)).toBe('valid');
  });

  it('agrees with the SDK on repeated parameters, which the fast path leaves to it', () => {
    const repeated = { ...params, StatusCallbackEvent: ['join', 'leave'] };
    const signature = twilio.getExpectedTwilioSignature(token, url, repeated);
    expect(checkSignature(token, signature, url, repeated)).toBe('valid');
  });
});
