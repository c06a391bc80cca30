import { describe, expect, it } from 'vitest';
import { rawSchema } from './avro.js';
import { CALL_ID_MAX_LENGTH, callIdProblem, REQUEST_ID_MAX_LENGTH, requestIdProblem } from './ids.js';

describe('the id grammar', () => {
  it('accepts the ids the CLI and the orchestrator make', () => {
    for (const id of [
      'req-1a2b3c4d',
      'nightly.2026-01-05',
      'A_b-9',
      'x',
      'a'.repeat(REQUEST_ID_MAX_LENGTH),
    ]) {
      expect(requestIdProblem(id), id).toBeNull();
      expect(callIdProblem(`${id}-0007`), id).toBeNull();
    }
  });

  it('refuses path tricks, whitespace, control characters, unicode look-alikes and over-long ids, naming the id', () => {
    const bad = [
      '',
      '.',
      '..',
      '../x',
      '..\\x',
      '/etc/passwd',
      'a/b',
      '.hidden',
      '-flag',
      'has space',
      'tab\there',
      'nul\u0000byte',
      'line\nbreak',
      'caf\u00e9',
      '\uff0e\uff0e\uff0fx', // fullwidth "../x"
      'a\u2215b', // division slash
      'a\u200bb', // zero-width space
      'x'.repeat(REQUEST_ID_MAX_LENGTH + 1),
    ];
    for (const id of bad) expect(requestIdProblem(id), JSON.stringify(id)).not.toBeNull();
    expect(requestIdProblem('../x')).toContain('"../x"');
    expect(requestIdProblem(42)).toBe('requestId must be a string');
    expect(callIdProblem('x'.repeat(CALL_ID_MAX_LENGTH))).toBeNull();
    expect(callIdProblem('x'.repeat(CALL_ID_MAX_LENGTH + 1))).toMatch(/at most 128/);
    expect(callIdProblem('../../etc/x-0000')).not.toBeNull();
  });

  it('is stated in the CallRequested schema that producers read', () => {
    const field = rawSchema('CallRequested').fields.find((f) => f.name === 'requestId');
    expect(field?.doc).toContain(`1 to ${REQUEST_ID_MAX_LENGTH} ASCII letters, digits`);
    expect(field?.doc).toContain('SYNTH_REQUEST_ID_INVALID');
  });
});
