import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule.default;

export type ContractErrorCode = 'SYNTH_CONTRACT_SPEC_MISSING' | 'SYNTH_CONTRACT_SPEC_INVALID';

/** The spec files could not be found or read. Validation failures are results, not errors. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ValidationResult {
  ok: boolean;
  /** Human-readable problems, each naming the parameter, field or path at fault. Empty when ok. */
  errors: string[];
  /** `<METHOD> <path template>` of the matched operation, when one matched. */
  operation?: string;
}

type Scalar = string | number | boolean;
export type ParamValue = Scalar | readonly Scalar[] | undefined;

export interface RequestToValidate {
  method: string;
  /** A path (`/2010-04-01/Accounts/AC…/Calls.json`) or a full URL; a query string in it is read as `query`. */
  path: string;
  query?: Record<string, ParamValue>;
  /**
   * The decoded `application/x-www-form-urlencoded` body; repeated keys as arrays. The SDK's unserialised `data`
   * (numbers, booleans) is accepted as is and compared as the form encoding would send it.
   */
  form?: Record<string, ParamValue>;
}

export interface ResponseToValidate {
  method: string;
  path: string;
  status: number;
  /** Parsed JSON, or the raw JSON text. */
  body: unknown;
}

export interface ContractOptions {
  /** Folder of the twilio-oai JSON specs; found by walking up from this file to `shared/twilio-oai` otherwise. */
  specDir?: string;
  /** Spec file names inside specDir; default: every `*.json` there. */
  files?: string[];
  /**
   * Twilio returns every documented property (null when empty) and no others, so by default a response object that
   * lacks a declared property or has an undeclared one fails. Set false to check only types and formats.
   */
  strictResponses?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

interface Route {
  specId: string;
  template: string;
  pattern: RegExp;
  paramNames: string[];
  literalLength: number;
  item: JsonObject;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

/** Twilio's error body (not in the specs, which list only success responses). */
const TWILIO_ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message', 'status'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    more_info: { type: 'string' },
    status: { type: 'integer' },
  },
};

/** Walks up from this module to the folder holding `shared/twilio-oai` (the repo's sibling in dev and CI). */
export function findSpecDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  // The package carries a copy of the specs (spec/twilio-oai, MIT, source commit in its README) so a clone checks
  // against them wherever it lives; a shared/twilio-oai folder above the package is the fallback.
  const packaged = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'spec', 'twilio-oai');
  if (existsSync(join(packaged, 'twilio_api_v2010.json'))) return packaged;
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'shared', 'twilio-oai');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ContractError(
        'SYNTH_CONTRACT_SPEC_MISSING',
        `No spec/twilio-oai in the package and no shared/twilio-oai folder above ${start}; pass specDir explicitly`,
      );
    }
    dir = parent;
  }
}

/**
 * OpenAPI 3.0 → JSON Schema for ajv: `nullable` becomes a `null` type (and a null enum member), `x-` extensions
 * and documentation keys are dropped, component `$ref`s point into the spec registered under `specId`, and in
 * strict mode every declared property is required and no other is allowed.
 */
function toJsonSchema(node: Json, specId: string, strict: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, specId, strict));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example' || key === 'examples' || key === 'description') continue;
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out.$ref = `${specId}${value}`;
      continue;
    }
    if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are data here, not keywords: never strip or rewrite them.
      const props: JsonObject = {};
      for (const [name, schema] of Object.entries(value)) {
        const converted = toJsonSchema(schema, specId, strict);
        // OpenAPI 3.0 cannot put `nullable` beside a `$ref`, so twilio-oai's enum properties (status,
        // reason_conference_ended, …) never say it, yet Twilio returns null for them until they apply.
        const isBareRef =
          converted !== null &&
          typeof converted === 'object' &&
          !Array.isArray(converted) &&
          Object.keys(converted).join() === '$ref';
        props[name] = isBareRef ? { anyOf: [converted, { type: 'null' }] } : converted;
      }
      out.properties = props;
      continue;
    }
    out[key] = toJsonSchema(value, specId, strict);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  // Twilio sends decimals such as `price` ("-0.00250") and probabilities ("0.05") as strings although the spec
  // types them `number`; its own examples do the same. A decimal string is accepted, any other string is not.
  if (out.type === 'number' || (Array.isArray(out.type) && out.type.includes('number'))) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    out.type = [...types, 'string'];
    out.pattern ??= '^-?\\d+(\\.\\d+)?$';
  }
  if (
    strict &&
    out.properties !== undefined &&
    typeof out.properties === 'object' &&
    out.properties !== null
  ) {
    const names = Object.keys(out.properties);
    if (out.required === undefined) out.required = names;
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  return out;
}

/** A loaded set of Twilio OpenAPI specs with request and response checks. */
export class TwilioContract {
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly strict: boolean;

  constructor(
    specs: ReadonlyArray<{ id: string; document: JsonObject }>,
    options: { strictResponses?: boolean } = {},
  ) {
    this.strict = options.strictResponses ?? true;
    this.ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, validateFormats: true });
    addFormats(this.ajv);
    registerTwilioFormats(this.ajv);
    for (const { id, document } of specs) {
      const components = (document.components ?? {}) as JsonObject;
      // Strict and lenient copies: a $ref resolves inside the copy it was written in.
      this.ajv.addSchema({ components: toJsonSchema(components, `${id}`, true) } as object, `${id}`);
      this.ajv.addSchema(
        { components: toJsonSchema(components, `${id}~lenient`, false) } as object,
        `${id}~lenient`,
      );
      this.ajv.addSchema(
        { components: toJsonSchema(components, `${id}~form`, false) } as object,
        `${id}~form`,
      );
      for (const [template, item] of Object.entries((document.paths ?? {}) as JsonObject)) {
        const paramNames: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const param = /^\{([^}]+)\}$/.exec(part);
            if (param?.[1] !== undefined) {
              paramNames.push(param[1]);
              return '([^/]+?)';
            }
            return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('');
        this.routes.push({
          specId: id,
          template,
          pattern: new RegExp(`^${source}$`),
          paramNames,
          literalLength: template.replace(/\{[^}]+\}/g, '').length,
          item: item as JsonObject,
        });
      }
    }
    // Literal segments beat parameters: /v2/Operators/Custom before /v2/Operators/{Sid}.
    this.routes.sort(
      (a, b) => a.paramNames.length - b.paramNames.length || b.literalLength - a.literalLength,
    );
  }

  /** Checks a REST request: known path and method, valid path parameters, known and valid query/form parameters. */
  validateRequest(request: RequestToValidate): ValidationResult {
    const { pathname, query } = splitUrl(request.path, stringify(request.query));
    const match = this.match(request.method, pathname);
    if ('error' in match) return { ok: false, errors: [match.error] };
    const { route, operation, params, label } = match;
    const errors: string[] = [];
    const parameters = [
      ...(((route.item.parameters ?? []) as unknown as Parameter[]) ?? []),
      ...((operation.parameters ?? []) as unknown as Parameter[]),
    ];

    for (const p of parameters.filter((p) => p.in === 'path')) {
      const value = params[p.name];
      if (value !== undefined && p.schema) {
        errors.push(
          ...this.check(p.schema, route.specId, decodeURIComponent(value), `path parameter ${p.name}`),
        );
      }
    }

    const queryParams = parameters.filter((p) => p.in === 'query');
    const knownQuery = new Set(queryParams.map((p) => p.name));
    for (const name of Object.keys(query)) {
      if (!knownQuery.has(name)) errors.push(`unknown query parameter ${name} for ${label}`);
    }
    for (const p of queryParams) {
      const value = query[p.name];
      if (value === undefined) {
        if (p.required) errors.push(`missing required query parameter ${p.name} for ${label}`);
        continue;
      }
      if (p.schema)
        errors.push(
          ...this.check(p.schema, route.specId, coerce(value, p.schema), `query parameter ${p.name}`),
        );
    }

    const body = (operation.requestBody as JsonObject | undefined)?.content as JsonObject | undefined;
    const formSchema = (body?.['application/x-www-form-urlencoded'] as JsonObject | undefined)?.schema as
      | JsonObject
      | undefined;
    const form = stringify(request.form);
    if (formSchema === undefined) {
      for (const name of Object.keys(form))
        errors.push(`unknown form parameter ${name}: ${label} takes no body`);
    } else {
      const properties = (formSchema.properties ?? {}) as Record<string, JsonObject>;
      for (const name of Object.keys(form)) {
        if (!(name in properties)) errors.push(`unknown form parameter ${name} for ${label}`);
      }
      for (const name of (formSchema.required ?? []) as string[]) {
        if (form[name] === undefined) errors.push(`missing required form parameter ${name} for ${label}`);
      }
      for (const [name, value] of Object.entries(form)) {
        const schema = properties[name];
        if (schema !== undefined)
          errors.push(...this.check(schema, route.specId, coerce(value, schema), `form parameter ${name}`));
      }
    }
    return { ok: errors.length === 0, errors, operation: label };
  }

  /** Checks a response body against the operation's documented schema for that status. */
  validateResponse(response: ResponseToValidate): ValidationResult {
    const { pathname } = splitUrl(response.path, undefined);
    const match = this.match(response.method, pathname);
    if ('error' in match) return { ok: false, errors: [match.error] };
    const { route, operation, label } = match;
    const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
    const documented =
      responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    let body = response.body;
    if (typeof body === 'string' && body.trim() !== '') {
      try {
        body = JSON.parse(body);
      } catch {
        return { ok: false, errors: [`response body of ${label} is not JSON`], operation: label };
      }
    }
    if (documented === undefined) {
      if (response.status >= 400) {
        const errors = this.checkCompiled(
          `error`,
          () => TWILIO_ERROR_SCHEMA,
          body,
          `error response of ${label}`,
        );
        return { ok: errors.length === 0, errors, operation: label };
      }
      const listed = Object.keys(responses).join(', ');
      return {
        ok: false,
        errors: [`status ${response.status} is not documented for ${label} (documented: ${listed})`],
        operation: label,
      };
    }
    const schema = (
      (documented.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined
    )?.schema as JsonObject | undefined;
    if (schema === undefined) {
      const empty = body === undefined || body === null || body === '';
      return empty
        ? { ok: true, errors: [], operation: label }
        : {
            ok: false,
            errors: [`${label} ${response.status} has no body in the spec, got one`],
            operation: label,
          };
    }
    const specRef = this.strict ? route.specId : `${route.specId}~lenient`;
    const errors = this.checkCompiled(
      `${specRef} ${label} ${response.status}`,
      () => toJsonSchema(schema, specRef, this.strict),
      body,
      `response body of ${label}`,
    );
    return { ok: errors.length === 0, errors, operation: label };
  }

  private match(
    method: string,
    pathname: string,
  ):
    | { route: Route; operation: JsonObject; params: Record<string, string>; label: string }
    | { error: string } {
    const verb = method.toLowerCase();
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (m === null) continue;
      const operation = route.item[verb];
      const label = `${method.toUpperCase()} ${route.template}`;
      if (operation === undefined || operation === null || typeof operation !== 'object') {
        const allowed = METHODS.filter((v) => route.item[v] !== undefined).map((v) => v.toUpperCase());
        return { error: `unknown operation ${label} (the path allows ${allowed.join(', ')})` };
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        params[name] = m[i + 1] ?? '';
      });
      return { route, operation: operation as JsonObject, params, label };
    }
    return { error: `unknown path ${pathname}: no operation in the specs matches it` };
  }

  private check(schema: JsonObject, specId: string, value: unknown, what: string): string[] {
    const ref = `${specId}~form`;
    return this.checkCompiled(
      `${ref} ${JSON.stringify(schema)}`,
      () => toJsonSchema(schema, ref, false),
      value,
      what,
    );
  }

  private checkCompiled(key: string, build: () => Json | object, value: unknown, what: string): string[] {
    let validate = this.cache.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(build() as object);
      this.cache.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => describe(e, what));
  }
}

function describe(error: ErrorObject, what: string): string {
  const at =
    error.instancePath === '' ? what : `${what} field ${error.instancePath.slice(1).replace(/\//g, '.')}`;
  if (error.keyword === 'required')
    return `${at}: missing required field ${String(error.params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') {
    return `${at}: unknown field ${String(error.params.additionalProperty)}`;
  }
  if (error.keyword === 'enum') {
    return `${at}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Form and query values are strings; the spec describes them as integers, booleans and arrays. */
function coerce(value: string | string[], schema: JsonObject): unknown {
  if (schema.type === 'array') return Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) return value.length === 1 ? coerceScalar(value[0] ?? '', schema) : value;
  return coerceScalar(value, schema);
}

function coerceScalar(value: string, schema: JsonObject): unknown {
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value))
    return Number(value);
  if (schema.type === 'boolean' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/** What the wire carries: strings, repeated keys for arrays; undefined values are not sent at all. */
function stringify(values: Record<string, ParamValue> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function splitUrl(
  pathOrUrl: string,
  query: Record<string, string | string[]> | undefined,
): { pathname: string; query: Record<string, string | string[]> } {
  const url = new URL(pathOrUrl, 'http://contract.invalid');
  const merged: Record<string, string | string[]> = { ...(query ?? {}) };
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    merged[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return { pathname: url.pathname, query: merged };
}

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

/** Twilio's own `format` values. Checked where the docs pin them down, accepted otherwise. */
function registerTwilioFormats(ajv: Ajv): void {
  ajv.addFormat('date-time-rfc-2822', RFC_2822);
  ajv.addFormat('http-method', /^(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS)$/);
  // v2010 `uri` fields are relative ("/2010-04-01/Accounts/AC…/Calls/CA….json"): any URI reference is valid.
  ajv.addFormat('uri', /^[^\s]*$/);
  for (const name of ['phone-number', 'endpoint', 'currency', 'uri-map', 'twiml', 'iso-country-code']) {
    ajv.addFormat(name, true);
  }
  for (const name of ['ice-server', 'phone-number-capabilities']) ajv.addFormat(name, true);
}

/** Loads the specs (every `*.json` in the folder, or `files`) and returns the validator. */
export function loadContract(options: ContractOptions = {}): TwilioContract {
  const dir = options.specDir ?? findSpecDir();
  let files: string[];
  try {
    files = options.files ?? readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch (cause) {
    throw new ContractError('SYNTH_CONTRACT_SPEC_MISSING', `Cannot list OpenAPI specs in ${dir}`, { cause });
  }
  if (files.length === 0)
    throw new ContractError('SYNTH_CONTRACT_SPEC_MISSING', `No *.json OpenAPI specs in ${dir}`);
  const specs = files.map((file) => {
    const path = join(dir, file);
    try {
      const document = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
      if (typeof document.openapi !== 'string' || document.paths === undefined) {
        throw new Error('not an OpenAPI 3 document (no openapi/paths)');
      }
      return { id: file, document };
    } catch (cause) {
      throw new ContractError('SYNTH_CONTRACT_SPEC_INVALID', `Cannot read OpenAPI spec ${path}`, { cause });
    }
  });
  return new TwilioContract(specs, { strictResponses: options.strictResponses ?? true });
}
