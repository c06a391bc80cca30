import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../audio/random.js';
import { analyzeTranscript } from '../intelligence/analyze.js';
import { buildSentences, toAnalysisSentences } from '../intelligence/sentences.js';
import { findSpecDir, loadContract } from './openapi.js';

const AC = `AC${'0123456789abcdef'.repeat(2)}`;
const CALLS = `/2010-04-01/Accounts/${AC}/Calls.json`;
const GT = `GT${'a'.repeat(32)}`;

const specDir = findSpecDir();
const contract = loadContract({ specDir });

/** The Call the spec itself documents for Create Call: independent of the code under test. */
function specCallExample(): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(join(specDir, 'twilio_api_v2010.json'), 'utf8'));
  return structuredClone(
    spec.paths['/2010-04-01/Accounts/{AccountSid}/Calls.json'].post.responses['201'].content[
      'application/json'
    ].examples.create.value,
  );
}

describe('loadContract', () => {
  it('finds the specs the package carries without a path', () => {
    expect(findSpecDir()).toMatch(/spec[/\\]twilio-oai$/);
  });

  it('fails with a typed error when the folder has no specs', () => {
    expect(() => loadContract({ specDir: join(specDir, 'no-such-folder') })).toThrow(
      expect.objectContaining({ code: 'SYNTH_CONTRACT_SPEC_MISSING' }),
    );
  });
});

describe('validateResponse', () => {
  it('accepts the known-good Call JSON of the spec', () => {
    const result = contract.validateResponse({
      method: 'POST',
      path: CALLS,
      status: 201,
      body: specCallExample(),
    });
    expect(result).toEqual({
      ok: true,
      errors: [],
      operation: 'POST /2010-04-01/Accounts/{AccountSid}/Calls.json',
    });
  });

  it('accepts the same Call as raw JSON text and as a full URL', () => {
    const result = contract.validateResponse({
      method: 'post',
      path: `https://api.twilio.com${CALLS}`,
      status: 201,
      body: JSON.stringify(specCallExample()),
    });
    expect(result.ok).toBe(true);
  });

  it('names a missing field', () => {
    const call = specCallExample();
    delete call.sid;
    const result = contract.validateResponse({ method: 'POST', path: CALLS, status: 201, body: call });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.stringContaining('missing required field sid')]);
  });

  it('accepts a missing field when responses are not strict', () => {
    const call = specCallExample();
    delete call.sid;
    const lenient = loadContract({ specDir, files: ['twilio_api_v2010.json'], strictResponses: false });
    expect(lenient.validateResponse({ method: 'POST', path: CALLS, status: 201, body: call }).ok).toBe(true);
  });

  it('names a field of the wrong type', () => {
    const result = contract.validateResponse({
      method: 'POST',
      path: CALLS,
      status: 201,
      body: { ...specCallExample(), duration: 42 },
    });
    expect(result.errors).toEqual([expect.stringMatching(/field duration: must be string/)]);
  });

  it('names an enum value the spec does not allow, and an unknown field', () => {
    const result = contract.validateResponse({
      method: 'POST',
      path: CALLS,
      status: 201,
      body: { ...specCallExample(), status: 'dancing', mood: 'happy' },
    });
    expect(result.errors).toContainEqual(
      expect.stringMatching(/field status: must be one of .*"in-progress"/),
    );
    expect(result.errors).toContainEqual(expect.stringContaining('unknown field mood'));
  });

  it('checks Twilio date formats', () => {
    const result = contract.validateResponse({
      method: 'POST',
      path: CALLS,
      status: 201,
      body: { ...specCallExample(), date_created: '2024-01-01T00:00:00Z' },
    });
    expect(result.errors).toEqual([
      expect.stringMatching(/field date_created: must match format "date-time-rfc-2822"/),
    ]);
  });

  it('rejects a status the operation does not document', () => {
    const result = contract.validateResponse({
      method: 'POST',
      path: CALLS,
      status: 200,
      body: specCallExample(),
    });
    expect(result.errors).toEqual([expect.stringContaining('status 200 is not documented')]);
  });

  it("checks error responses against Twilio's error body", () => {
    const good = {
      code: 20404,
      message: 'The requested resource was not found',
      more_info: 'x',
      status: 404,
    };
    expect(contract.validateResponse({ method: 'GET', path: CALLS, status: 404, body: good }).ok).toBe(true);
    const bad = contract.validateResponse({
      method: 'GET',
      path: CALLS,
      status: 404,
      body: { message: 'nope' },
    });
    expect(bad.errors).toContainEqual(expect.stringContaining('missing required field code'));
  });

  it('expects no body for a 204 delete', () => {
    const path = `/2010-04-01/Accounts/${AC}/Calls/CA${'b'.repeat(32)}.json`;
    expect(contract.validateResponse({ method: 'DELETE', path, status: 204, body: '' }).ok).toBe(true);
    expect(contract.validateResponse({ method: 'DELETE', path, status: 204, body: { sid: 'x' } }).ok).toBe(
      false,
    );
  });

  it('accepts the sentences and operator results the intelligence module builds', () => {
    const participants = [
      { channel: 1, role: 'Customer' as const },
      { channel: 2, role: 'Agent' as const },
    ];
    const sentences = buildSentences(
      [
        { role: 'Agent', startSec: 0, text: 'Thanks for calling, my name is Priya.' },
        { role: 'Customer', startSec: 3, text: 'I was charged twice, my account number is 4417 2209.' },
      ],
      participants,
      { random: createRandom('contract') },
    );
    const meta = (key: string) => ({
      page: 0,
      page_size: 50,
      first_page_url: `https://intelligence.twilio.com/v2/Transcripts/${GT}/${key}?PageSize=50&Page=0`,
      previous_page_url: null,
      url: `https://intelligence.twilio.com/v2/Transcripts/${GT}/${key}?PageSize=50&Page=0`,
      next_page_url: null,
      key,
    });
    const sentencesResult = contract.validateResponse({
      method: 'GET',
      path: `/v2/Transcripts/${GT}/Sentences`,
      status: 200,
      body: { sentences, meta: meta('sentences') },
    });
    expect(sentencesResult.errors).toEqual([]);
    const operatorResults = analyzeTranscript({
      transcriptSid: GT,
      sentences: toAnalysisSentences(sentences),
      participants,
    });
    const resultsResult = contract.validateResponse({
      method: 'GET',
      path: `/v2/Transcripts/${GT}/OperatorResults`,
      status: 200,
      body: { operator_results: operatorResults, meta: meta('operator_results') },
    });
    expect(resultsResult.errors).toEqual([]);
  });
});

describe('validateRequest', () => {
  const form = { To: '+15005550006', From: '+15005550001', Url: 'https://example.com/voice' };

  it('accepts a Create Call request with repeated keys, integers and booleans as strings', () => {
    const result = contract.validateRequest({
      method: 'POST',
      path: CALLS,
      form: { ...form, StatusCallbackEvent: ['initiated', 'answered'], Timeout: '30', Record: 'true' },
    });
    expect(result).toEqual({
      ok: true,
      errors: [],
      operation: 'POST /2010-04-01/Accounts/{AccountSid}/Calls.json',
    });
  });

  it("accepts the SDK's unserialised data: numbers, booleans and undefined values", () => {
    const result = contract.validateRequest({
      method: 'POST',
      path: CALLS,
      form: {
        ...form,
        Timeout: 30,
        Record: true,
        StatusCallback: undefined,
        StatusCallbackEvent: ['completed'],
      },
    });
    expect(result.errors).toEqual([]);
    const wrong = contract.validateRequest({ method: 'POST', path: CALLS, form: { ...form, Record: 3 } });
    expect(wrong.errors).toEqual(['form parameter Record: must be boolean']);
  });

  it('names an unknown path', () => {
    const result = contract.validateRequest({ method: 'GET', path: `/2010-04-01/Accounts/${AC}/Nope.json` });
    expect(result.errors).toEqual([
      expect.stringContaining(`unknown path /2010-04-01/Accounts/${AC}/Nope.json`),
    ]);
  });

  it('names an operation the path does not have', () => {
    const result = contract.validateRequest({ method: 'PUT', path: CALLS });
    expect(result.errors).toEqual([expect.stringContaining('unknown operation PUT')]);
  });

  it('names an unknown form parameter', () => {
    const result = contract.validateRequest({ method: 'POST', path: CALLS, form: { ...form, Bogus: '1' } });
    expect(result.errors).toEqual([expect.stringContaining('unknown form parameter Bogus')]);
  });

  it('names a missing required form parameter', () => {
    const result = contract.validateRequest({
      method: 'POST',
      path: CALLS,
      form: { Url: form.Url, From: form.From },
    });
    expect(result.errors).toEqual([expect.stringContaining('missing required form parameter To')]);
  });

  it('names an enum value and a type the spec does not allow', () => {
    const result = contract.validateRequest({
      method: 'POST',
      path: CALLS,
      form: { ...form, Method: 'PUT', Timeout: 'soon' },
    });
    expect(result.errors).toContainEqual('form parameter Method: must be one of "GET", "POST"');
    expect(result.errors).toContainEqual('form parameter Timeout: must be integer');
  });

  it('checks path parameters against their patterns', () => {
    const result = contract.validateRequest({
      method: 'GET',
      path: '/2010-04-01/Accounts/ACnope/Calls.json',
    });
    expect(result.errors).toContainEqual(
      expect.stringContaining('path parameter AccountSid: must match pattern'),
    );
  });

  it('reads query parameters from the URL and names unknown ones', () => {
    const ok = contract.validateRequest({
      method: 'GET',
      path: `https://intelligence.twilio.com/v2/Transcripts/${GT}/Sentences?Redacted=false&PageSize=20`,
    });
    expect(ok.errors).toEqual([]);
    const bad = contract.validateRequest({
      method: 'GET',
      path: `/v2/Transcripts/${GT}/Sentences?Colour=red`,
    });
    expect(bad.errors).toEqual([expect.stringContaining('unknown query parameter Colour')]);
  });

  it('prefers a literal path segment over a parameter', () => {
    expect(contract.validateRequest({ method: 'GET', path: '/v2/Operators/Custom' }).operation).toBe(
      'GET /v2/Operators/Custom',
    );
  });

  it('validates Intelligence form bodies too', () => {
    const result = contract.validateRequest({
      method: 'POST',
      path: '/v2/Transcripts',
      form: { ServiceSid: `GA${'c'.repeat(32)}`, Channel: '{"media_properties":{"source_sid":"RE1"}}' },
    });
    expect(result.errors).toEqual([]);
  });
});

describe('the spec against itself', () => {
  /** A value for a path parameter that satisfies its pattern: `^CA[0-9a-fA-F]{32}$` → `CA` + 32 hex digits. */
  function sampleFor(parameter: { schema?: { pattern?: string } } | undefined): string {
    const prefix = /^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$/.exec(parameter?.schema?.pattern ?? '')?.[1];
    return prefix === undefined ? 'sample' : `${prefix}${'0a'.repeat(16)}`;
  }

  it.each([
    ['twilio_api_v2010.json', /\/(Calls|Conferences|Recordings)/],
    ['twilio_intelligence_v2.json', /^\/v2\//],
  ])('accepts every documented response example of %s that the sim serves', (file, pathFilter) => {
    const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
    let checked = 0;
    const failures: string[] = [];
    for (const [template, item] of Object.entries<Record<string, unknown>>(spec.paths)) {
      if (!pathFilter.test(template)) continue;
      for (const [method, op] of Object.entries<{
        parameters?: { name: string; in: string; schema?: { pattern?: string } }[];
        responses?: object;
      }>(item as Record<string, never>)) {
        if (op?.responses === undefined) continue;
        const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
          sampleFor(op.parameters?.find((p) => p.name === name && p.in === 'path')),
        );
        for (const [status, response] of Object.entries<{
          content?: { 'application/json'?: { examples?: Record<string, { value: unknown }> } };
        }>(op.responses as Record<string, never>)) {
          for (const [name, example] of Object.entries(
            response.content?.['application/json']?.examples ?? {},
          )) {
            checked += 1;
            const result = contract.validateResponse({
              method,
              path,
              status: Number(status),
              body: example.value,
            });
            if (!result.ok)
              failures.push(`${method} ${template} ${status} ${name}: ${result.errors.join('; ')}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });
});
