import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSignature } from './domain/signature.js';

describe('twilioSignature', () => {
  it('matches the test vector of Twilio security docs', () => {
    const signature = twilioSignature('12345', 'https://example.com/myapp.php?foo=1&bar=2', {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    });
    expect(signature).toBe('L/OH5YylLD5NRKLltdqwSvS0BnU=');
  });

  it('is accepted by the official SDK validateRequest, including repeated keys', () => {
    const url = 'http://127.0.0.1:4567/voice?role=agent';
    const params = { CallSid: 'CAabc', Event: ['b', 'a', 'b'], Zed: 'é ü' };
    const signature = twilioSignature('token', url, params);
    expect(twilio.validateRequest('token', signature, url, params)).toBe(true);
    expect(twilio.validateRequest('other-token', signature, url, params)).toBe(false);
  });

  it('drops the port of https URLs, as Twilio does for voice callbacks', () => {
    const withPort = twilioSignature('t', 'https://example.com:8443/hook', { A: '1' });
    const withoutPort = twilioSignature('t', 'https://example.com/hook', { A: '1' });
    expect(withPort).toBe(withoutPort);
  });
});
