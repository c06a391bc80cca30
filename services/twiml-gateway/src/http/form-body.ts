import type { NextFunction, Request, Response } from 'express';

/**
 * Reads a Twilio webhook's form body (`application/x-www-form-urlencoded`, UTF-8) into `req.body`: every field a
 * string, a repeated field an array of them. What `express.urlencoded({ extended: false })` gives, at a fraction of
 * its cost: body-parser runs each body through raw-body, iconv-lite, on-finished and an AsyncResource per request,
 * and qs: measured alone, express reading a body with it took 151 µs of CPU a request against 104 µs with this reader,
 * more than the signature, the validation and the publish together (~28 µs; docs/benchmarks.md, session 9 h24).
 * Twilio sends small UTF-8 forms, uncompressed.
 *
 * Refusals carry what the gateway's error handler answers (the http-errors shape body-parser uses): 413 over the
 * limit or over 1,000 fields, 415 for another charset or a Content-Encoding (Twilio sends neither), 400 when the
 * body is cut short or does not match its Content-Length. Other content types pass with no body, as before.
 */
export function formBody(limitBytes: number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const type = req.headers['content-type'];
    if (type === undefined || !isForm(type)) return next();
    const charset = charsetOf(type);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(refused(415, `unsupported charset "${charset.toUpperCase()}"`, 'charset.unsupported'));
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      return next(refused(415, `unsupported content encoding "${encoding}"`, 'encoding.unsupported'));
    }
    const declared = req.headers['content-length'];
    const expected = declared === undefined ? undefined : Number(declared);
    if (expected !== undefined && expected > limitBytes) {
      req.resume();
      return next(refused(413, 'request entity too large', 'entity.too.large'));
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
      if (error) {
        req.resume();
        next(error);
        return;
      }
      try {
        req.body = parseForm(Buffer.concat(chunks, received).toString('utf8'));
      } catch (parseError) {
        next(parseError);
        return;
      }
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) finish(refused(413, 'request entity too large', 'entity.too.large'));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (expected !== undefined && received !== expected)
        finish(refused(400, 'request size did not match content length', 'request.size.invalid'));
      else finish();
    };
    const onAborted = () => finish(refused(400, 'request aborted', 'request.aborted'));
    const onError = (error: Error) => finish(error);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  };
}

/** Fields beyond this refuse the body (qs's default `parameterLimit`, which body-parser applied). */
const MAX_FIELDS = 1_000;

/** `a=1&b=2&a=3` → `{ a: ['1', '3'], b: '2' }`; `+` is a space (the WHATWG form decoding: a malformed %-escape gives U+FFFD). */
export function parseForm(text: string): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  let fields = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++fields > MAX_FIELDS) throw refused(413, 'too many parameters', 'parameters.too.many');
    // A field named like Object.prototype's accessors would rewrite the object, not add a field.
    if (name === '__proto__') continue;
    const seen = Object.hasOwn(body, name) ? body[name] : undefined;
    if (seen === undefined) body[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else body[name] = [seen, value];
  }
  return body;
}

function isForm(contentType: string): boolean {
  const semicolon = contentType.indexOf(';');
  const mime = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mime === 'application/x-www-form-urlencoded';
}

function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

function refused(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}
