import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type HttpMethod = 'GET' | 'POST';

export interface SayVerb {
  kind: 'Say';
  text: string;
  voice: string | undefined;
  language: string | undefined;
  /** 0 means "until hangup" (capped by the runner). */
  loop: number;
}
export interface PauseVerb {
  kind: 'Pause';
  lengthSec: number;
}
export interface RedirectVerb {
  kind: 'Redirect';
  url: string;
  method: HttpMethod;
}
export interface HangupVerb {
  kind: 'Hangup';
}
export interface GatherVerb {
  kind: 'Gather';
  input: string[];
  action: string | undefined;
  method: HttpMethod;
  timeoutSec: number;
  /** 'auto' or seconds; defaults to timeoutSec. */
  speechTimeout: number | 'auto';
  speechModel: string;
  language: string;
  actionOnEmptyResult: boolean;
  /** Speech from the other side stops the nested <Say>/<Pause> (Twilio's default: true). */
  bargeIn: boolean;
  /** Seconds of speech after which recognition stops and the action is posted with what was heard so far. */
  maxSpeechTimeSec: number;
  nested: Array<SayVerb | PauseVerb>;
}

/** Twilio's limit on one Gather's speech capture, and `maxSpeechTime`'s default. */
export const MAX_SPEECH_TIME_SEC = 60;
export interface ConferenceNoun {
  name: string;
  muted: boolean;
  beep: string;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  participantLabel: string | undefined;
  waitUrl: string | undefined;
  record: string;
  statusCallback: string | undefined;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvent: string[];
  recordingStatusCallback: string | undefined;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: string[];
  maxParticipants: number;
}
export interface DialVerb {
  kind: 'Dial';
  action: string | undefined;
  method: HttpMethod;
  conference: ConferenceNoun | undefined;
  /** A number or client the sim does not dial; kept so the runner can report it. */
  other: string | undefined;
}
export interface UnknownVerb {
  kind: 'Unknown';
  name: string;
}
export type Verb = SayVerb | PauseVerb | RedirectVerb | HangupVerb | GatherVerb | DialVerb | UnknownVerb;

/** A problem Twilio reports as a notification (warning or error) while reading a document. */
export interface TwimlWarning {
  code: number;
  message: string;
}

export type ParsedTwiml =
  | { ok: true; verbs: Verb[]; warnings: TwimlWarning[] }
  | { ok: false; code: 12100; message: string };

type Node = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
});

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text');
}
function attrsOf(node: Node): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {};
}
function childrenOf(node: Node, tag: string): Node[] {
  return (node[tag] as Node[] | undefined) ?? [];
}
function textOf(children: Node[]): string {
  return children
    .map((c) => (typeof c['#text'] === 'string' ? (c['#text'] as string) : ''))
    .join(' ')
    .trim();
}
function method(value: string | undefined): HttpMethod {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}
function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value.toLowerCase() === 'true';
}
function num(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}
function events(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return value.split(/[\s,]+/).filter((e) => e !== '');
}

function say(node: Node): SayVerb {
  const a = attrsOf(node);
  return {
    kind: 'Say',
    text: textOf(childrenOf(node, 'Say')),
    voice: a.voice,
    language: a.language,
    loop: Math.max(0, Math.floor(num(a.loop, 1))),
  };
}
function pause(node: Node): PauseVerb {
  return { kind: 'Pause', lengthSec: Math.max(0, num(attrsOf(node).length, 1)) };
}

function gather(node: Node, warnings: TwimlWarning[]): GatherVerb {
  const a = attrsOf(node);
  const timeoutSec = Math.max(0, num(a.timeout, 5));
  let speechTimeout: number | 'auto' = timeoutSec;
  if (a.speechTimeout !== undefined) {
    if (a.speechTimeout === 'auto') speechTimeout = 'auto';
    else {
      const n = Number(a.speechTimeout);
      if (Number.isInteger(n) && n > 0) speechTimeout = n;
      else warnings.push({ code: 13327, message: `Invalid speechTimeout "${a.speechTimeout}"` });
    }
  }
  if (a.speechModel !== undefined && speechTimeout === 'auto') {
    warnings.push({
      code: 13335,
      message: 'speechModel requires a positive integer speechTimeout, not "auto"',
    });
  }
  if (a.actionOnEmptyResult !== undefined && !['true', 'false'].includes(a.actionOnEmptyResult)) {
    warnings.push({ code: 13338, message: `Invalid actionOnEmptyResult "${a.actionOnEmptyResult}"` });
  }
  if (a.bargeIn !== undefined && !['true', 'false'].includes(a.bargeIn)) {
    warnings.push({ code: 13332, message: `Invalid bargeIn "${a.bargeIn}"` });
  }
  let maxSpeechTimeSec = MAX_SPEECH_TIME_SEC;
  if (a.maxSpeechTime !== undefined) {
    const n = Number(a.maxSpeechTime);
    if (Number.isInteger(n) && n > 0 && n <= MAX_SPEECH_TIME_SEC) maxSpeechTimeSec = n;
    else warnings.push({ code: 13328, message: `Invalid maxSpeechTime "${a.maxSpeechTime}"` });
  }
  const nested: Array<SayVerb | PauseVerb> = [];
  for (const child of childrenOf(node, 'Gather')) {
    const tag = tagOf(child);
    if (tag === 'Say') nested.push(say(child));
    else if (tag === 'Pause') nested.push(pause(child));
    else if (tag !== undefined)
      warnings.push({ code: 12200, message: `<${tag}> is not allowed inside <Gather>` });
  }
  return {
    kind: 'Gather',
    input: events(a.input, ['dtmf']),
    action: a.action,
    method: method(a.method),
    timeoutSec,
    speechTimeout,
    speechModel: a.speechModel ?? 'default',
    language: a.language ?? 'en-US',
    actionOnEmptyResult: bool(a.actionOnEmptyResult, false),
    // An invalid value is warned about (13332) and the default kept.
    bargeIn: a.bargeIn?.toLowerCase() !== 'false',
    maxSpeechTimeSec,
    nested,
  };
}

function conference(node: Node): ConferenceNoun {
  const a = attrsOf(node);
  return {
    name: textOf(childrenOf(node, 'Conference')),
    muted: bool(a.muted, false),
    beep: a.beep ?? 'true',
    startConferenceOnEnter: bool(a.startConferenceOnEnter, true),
    endConferenceOnExit: bool(a.endConferenceOnExit, false),
    participantLabel: a.participantLabel,
    waitUrl: a.waitUrl,
    record: a.record ?? 'do-not-record',
    statusCallback: a.statusCallback,
    statusCallbackMethod: method(a.statusCallbackMethod),
    statusCallbackEvent: events(a.statusCallbackEvent, ['start', 'end']),
    recordingStatusCallback: a.recordingStatusCallback,
    recordingStatusCallbackMethod: method(a.recordingStatusCallbackMethod),
    recordingStatusCallbackEvent: events(a.recordingStatusCallbackEvent, ['completed']),
    maxParticipants: num(a.maxParticipants, 250),
  };
}

function dial(node: Node): DialVerb {
  const a = attrsOf(node);
  const children = childrenOf(node, 'Dial');
  const conf = children.find((c) => tagOf(c) === 'Conference');
  return {
    kind: 'Dial',
    action: a.action,
    method: method(a.method),
    conference: conf ? conference(conf) : undefined,
    other: conf ? undefined : textOf(children) || tagOf(children[0] ?? {}),
  };
}

/**
 * Parses a TwiML document into verbs. Malformed XML or a root other than <Response> is Twilio's 12100; an unknown
 * verb is kept as `Unknown` so the runner can report 12200 and move on, as Twilio does with schema warnings.
 */
export function parseTwiml(xml: string): ParsedTwiml {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, code: 12100, message: `Document parse failure: ${valid.err.msg}` };
  const doc = parser.parse(xml) as Node[];
  const root = doc.find((n) => tagOf(n) !== '?xml');
  if (!root || tagOf(root) !== 'Response') {
    return { ok: false, code: 12100, message: 'Document parse failure: the root element must be <Response>' };
  }
  const warnings: TwimlWarning[] = [];
  const verbs: Verb[] = [];
  for (const node of childrenOf(root, 'Response')) {
    const tag = tagOf(node);
    if (tag === undefined) continue;
    switch (tag) {
      case 'Say':
        verbs.push(say(node));
        break;
      case 'Pause':
        verbs.push(pause(node));
        break;
      case 'Redirect':
        verbs.push({
          kind: 'Redirect',
          url: textOf(childrenOf(node, 'Redirect')),
          method: method(attrsOf(node).method),
        });
        break;
      case 'Hangup':
        verbs.push({ kind: 'Hangup' });
        break;
      case 'Gather':
        verbs.push(gather(node, warnings));
        break;
      case 'Dial':
        verbs.push(dial(node));
        break;
      default:
        verbs.push({ kind: 'Unknown', name: tag });
    }
  }
  return { ok: true, verbs, warnings };
}
