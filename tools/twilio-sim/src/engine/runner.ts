import { BARGE_IN_STOP_SEC, speakingSeconds, spokenBefore } from '@synthcall/speech-timing';
import { derivedRandom } from '../domain/random.js';
import {
  type GatherVerb,
  MAX_SPEECH_TIME_SEC,
  parseTwiml,
  type SayVerb,
  type Verb,
} from '../domain/twiml.js';
import type { Leg, TwimlSource } from './leg.js';
import type { SpeechListener, Utterance } from './room.js';
import type { Telephony } from './telephony.js';

/** What Twilio says on a call whose TwiML could not be fetched or read, before hanging up. */
export const APPLICATION_ERROR_TEXT = 'We are sorry, an application error has occurred. Goodbye.';
/** `speechTimeout="auto"`: recognition stops at the first pause; the sim's pause is this long. */
export const AUTO_SPEECH_TIMEOUT_MS = 1000;
/** `<Say loop="0">` repeats until hang-up; the sim stops after this many repetitions. */
const MAX_SAY_LOOPS = 100;

export type Fetched =
  | { ok: true; verbs: Verb[]; documentUrl: string | undefined }
  | { ok: false; code?: number };

const TWIML_CONTENT_TYPE = /^(text\/xml|application\/xml|text\/html)\b/i;

/** Executes TwiML for one leg: fetches documents (with fallback), runs verbs, follows Redirect/Gather actions. */
export class TwimlRunner {
  constructor(private readonly t: Telephony) {}

  /** The first document of a leg that is being answered (its webhook carries CallStatus=ringing). */
  fetchFirst(leg: Leg, source: TwimlSource): Promise<Fetched> {
    return this.fetchDocument(leg, source, {});
  }

  async run(leg: Leg, source: TwimlSource, signal: AbortSignal, first: Fetched | undefined): Promise<void> {
    try {
      let doc = first ?? (await this.fetchDocument(leg, source, {}));
      for (;;) {
        if (signal.aborted) return;
        if (!doc.ok) {
          await this.say(
            leg,
            { kind: 'Say', text: APPLICATION_ERROR_TEXT, voice: undefined, language: undefined, loop: 1 },
            signal,
          );
          this.t.endLeg(leg);
          return;
        }
        const next = await this.execute(leg, doc, signal);
        if (next === 'hangup' || next === undefined) {
          if (!signal.aborted) this.t.endLeg(leg);
          return;
        }
        doc = await this.fetchDocument(leg, next.source, next.params);
      }
    } catch (error) {
      if (signal.aborted || leg.ended) return;
      throw error;
    }
  }

  /** Runs a document's verbs. Returns the next document to fetch, 'hangup', or undefined when the verbs ran out. */
  private async execute(
    leg: Leg,
    doc: { verbs: Verb[]; documentUrl: string | undefined },
    signal: AbortSignal,
  ): Promise<{ source: TwimlSource; params: Record<string, string> } | 'hangup' | undefined> {
    for (const verb of doc.verbs) {
      if (signal.aborted) return 'hangup';
      switch (verb.kind) {
        case 'Say':
          await this.say(leg, verb, signal);
          break;
        case 'Pause':
          await leg.clock.sleep(verb.lengthSec * 1000, signal);
          break;
        case 'Hangup':
          this.t.endLeg(leg);
          return 'hangup';
        case 'Redirect': {
          const url = this.resolve(leg, verb.url, doc.documentUrl);
          if (url === undefined) return 'hangup';
          return { source: { kind: 'url', url, method: verb.method, fallback: undefined }, params: {} };
        }
        case 'Gather': {
          const heard = await this.gather(leg, verb, signal);
          if (heard === undefined && !verb.actionOnEmptyResult) break;
          const url = this.resolve(leg, verb.action ?? doc.documentUrl ?? '', doc.documentUrl);
          if (url === undefined) return 'hangup';
          const params: Record<string, string> = {};
          if (heard) {
            params.SpeechResult = heard.text;
            params.Confidence = heard.confidence.toFixed(8);
          }
          return { source: { kind: 'url', url, method: verb.method, fallback: undefined }, params };
        }
        case 'Dial': {
          if (!verb.conference) {
            this.t.notify(
              leg,
              13201,
              `<Dial> to "${verb.other ?? ''}" is not simulated; only <Conference>`,
              { url: doc.documentUrl ?? '', method: 'POST' },
              true,
            );
            break;
          }
          const status = await this.t.conferences.dialConference(leg, verb.conference, signal);
          if (leg.ended || signal.aborted) return 'hangup';
          if (verb.action) {
            const url = this.resolve(leg, verb.action, doc.documentUrl);
            if (url === undefined) return 'hangup';
            return {
              source: { kind: 'url', url, method: verb.method, fallback: undefined },
              params: { DialCallStatus: status },
            };
          }
          break;
        }
        case 'Unknown':
          // Twilio reports a schema warning and skips what it does not know.
          this.t.notify(
            leg,
            12200,
            `Schema validation warning: unknown verb <${verb.name}>`,
            { url: doc.documentUrl ?? '', method: 'POST' },
            true,
          );
          break;
      }
    }
    return undefined;
  }

  private resolve(leg: Leg, url: string, base: string | undefined): string | undefined {
    try {
      return new URL(url, base).toString();
    } catch {
      // A relative URL in a document that came from the Twiml parameter has nothing to resolve against.
      this.t.notify(leg, 11100, `Invalid URL "${url}": relative URLs need a document URL`, {
        url,
        method: 'POST',
      });
      return undefined;
    }
  }

  /**
   * Says a verb's text. With `bargeIn` (the listener of the <Gather> it is nested in), speech from the other side
   * stops it: the voice goes on for BARGE_IN_STOP_SEC, finishes the word it is in, and the rest is not said (the
   * recording, and whoever hears it, get the words said). Returns whether it was cut.
   */
  private async say(
    leg: Leg,
    verb: SayVerb,
    signal: AbortSignal,
    bargeIn?: SpeechListener,
  ): Promise<boolean> {
    const loops = verb.loop === 0 ? MAX_SAY_LOOPS : verb.loop;
    const text = Array.from({ length: loops }, () => verb.text).join(' ');
    const voice = verb.voice ?? 'man';
    const seconds = this.t.options.timing.speakingSeconds(verb.text, verb.voice) * loops;
    const start = leg.clock.now();
    const utterance: Utterance = { speaker: leg, text, voice, startMs: start, endMs: start + seconds * 1000 };
    if (!bargeIn) this.t.log(leg, { type: 'said', text, voice, language: verb.language ?? 'en-US', seconds });
    leg.room?.startUtterance(utterance);
    let cut = false;
    try {
      if (bargeIn) cut = await this.sayUntilBargeIn(leg, utterance, verb, signal, bargeIn);
      else await leg.clock.sleep(seconds * 1000, signal);
    } catch (error) {
      leg.room?.cancelUtterance(utterance);
      throw error;
    }
    // The leg may have moved rooms meanwhile (its pair joined a conference): end it where it is now.
    leg.room?.endUtterance(utterance);
    return cut;
  }

  private sayUntilBargeIn(
    leg: Leg,
    utterance: Utterance,
    verb: SayVerb,
    signal: AbortSignal,
    listener: SpeechListener,
  ): Promise<boolean> {
    const clock = leg.clock;
    const log = (cutAtSec: number | null) =>
      this.t.log(leg, {
        type: 'said',
        text: utterance.text,
        voice: utterance.voice,
        language: verb.language ?? 'en-US',
        seconds: (utterance.endMs - utterance.startMs) / 1000,
        ...(cutAtSec === null ? {} : { bargedInAtSec: cutAtSec }),
      });
    return new Promise<boolean>((resolve, reject) => {
      let cut = false;
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        listener.onCapture = undefined;
        log(cut ? (utterance.endMs - utterance.startMs) / 1000 : null);
        resolve(cut);
      };
      let cancel = clock.at(utterance.endMs, done);
      const onAbort = () => {
        cancel();
        listener.onCapture = undefined;
        reject(signal.reason);
      };
      const bargedIn = () => {
        if (cut) return;
        cut = true;
        cancel();
        const stopSec = (clock.now() - utterance.startMs) / 1000 + BARGE_IN_STOP_SEC;
        const { said } = spokenBefore(utterance.text, verb.voice, stopSec);
        utterance.text = said;
        utterance.endMs = Math.min(
          utterance.endMs,
          utterance.startMs + speakingSeconds(said, verb.voice) * 1000,
        );
        cancel = clock.at(Math.max(clock.now(), utterance.endMs), done);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      listener.onCapture = bargedIn;
      // Speech already going on when the line starts stops it at once.
      if (listener.isCapturing) bargedIn();
    });
  }

  private async gather(
    leg: Leg,
    verb: GatherVerb,
    signal: AbortSignal,
  ): Promise<{ text: string; confidence: number } | undefined> {
    const room = leg.room;
    const timeoutMs = verb.timeoutSec * 1000;
    const speechTimeoutMs =
      verb.speechTimeout === 'auto' ? AUTO_SPEECH_TIMEOUT_MS : verb.speechTimeout * 1000;
    const maxSpeechMs =
      verb.maxSpeechTimeSec < MAX_SPEECH_TIME_SEC ? verb.maxSpeechTimeSec * 1000 : undefined;
    const listens = verb.input.includes('speech') && room !== undefined;
    // With bargeIn the Gather listens while its nested verbs play, so the other side's speech can stop them; its
    // timeout still starts when they are done.
    const bargeIn =
      listens && verb.bargeIn && verb.nested.some((n) => n.kind === 'Say')
        ? room.listen(leg, timeoutMs + this.nestedMs(verb), speechTimeoutMs, maxSpeechMs)
        : undefined;
    for (const nested of verb.nested) {
      if (nested.kind === 'Say') {
        if (await this.say(leg, nested, signal, bargeIn)) break;
      } else if (bargeIn?.isCapturing) break;
      else await leg.clock.sleep(nested.lengthSec * 1000, signal);
    }
    const index = leg.gathers++;
    this.t.log(leg, {
      type: 'gather',
      index,
      input: verb.input.join(' '),
      timeoutSec: verb.timeoutSec,
      speechTimeout: verb.speechTimeout,
      speechModel: verb.speechModel,
    });
    if (!listens) {
      // Nobody can press keys in the sim, and a leg outside any room hears nothing: wait out the timeout.
      await leg.clock.sleep(timeoutMs, signal);
      return undefined;
    }
    const listener = bargeIn ?? room.listen(leg, timeoutMs, speechTimeoutMs, maxSpeechMs);
    const onAbort = () => listener.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const raw = await listener.done;
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) throw signal.reason;
    if (raw === undefined) {
      this.t.log(leg, { type: 'heard', index, result: null });
      return undefined;
    }
    const random = derivedRandom(this.t.options.seed, `${this.noiseKey(leg)}:${index}`);
    const { heard, confidence } = this.t.options.recognizer.recognize(raw, {
      wordErrorRate: this.t.options.asrWer,
      random,
    });
    this.t.log(leg, { type: 'heard', index, raw, result: heard, confidence });
    if (heard.trim() === '') return undefined;
    return { text: heard, confidence };
  }

  /** How long a Gather's nested <Say>s and <Pause>s play when nothing stops them. */
  private nestedMs(verb: GatherVerb): number {
    let ms = 0;
    for (const n of verb.nested) {
      if (n.kind === 'Pause') ms += n.lengthSec * 1000;
      else
        ms +=
          this.t.options.timing.speakingSeconds(n.text, n.voice) *
          (n.loop === 0 ? MAX_SAY_LOOPS : n.loop) *
          1000;
    }
    return ms;
  }

  /**
   * What the recogniser's noise is seeded by: the dialled address (To/From of the call that created this leg, with an
   * app's query parameters), not the CallSid. SIDs are drawn in the order calls happen, which concurrent calls change
   * from run to run; the address does not, so the same seed hears the same words whatever the interleaving.
   */
  private noiseKey(leg: Leg): string {
    // An answering leg's peer is the dialled leg (the participant), whose To carries an app's parameters.
    const parentSid = leg.call.parentCallSid;
    const origin = (parentSid ? this.t.calls.get(parentSid)?.call : undefined) ?? leg.peer?.call ?? leg.call;
    return `${origin.to}|${origin.from}|${leg.call.direction ?? ''}`;
  }

  private async fetchDocument(
    leg: Leg,
    source: TwimlSource,
    extra: Record<string, string>,
  ): Promise<Fetched> {
    if (source.kind === 'twiml') {
      this.t.log(leg, { type: 'twiml', source: 'Twiml parameter', body: source.twiml });
      return this.parse(leg, source.twiml, undefined, { url: '', method: 'POST' });
    }
    const first = await this.fetchUrl(leg, source.url, source.method, extra);
    if (first.ok || !source.fallback || leg.ended) return first.ok ? first : { ok: false };
    // The fallback URL gets the same request plus what went wrong.
    const fb = await this.fetchUrl(leg, source.fallback.url, source.fallback.method, {
      ...extra,
      ErrorCode: String(first.code ?? 11200),
      ErrorUrl: source.url,
    });
    return fb.ok ? fb : { ok: false };
  }

  private async fetchUrl(
    leg: Leg,
    url: string,
    method: 'GET' | 'POST',
    extra: Record<string, string>,
  ): Promise<Fetched | { ok: false; code: number }> {
    const params = { ...this.t.baseParams(leg), ...extra };
    this.t.log(leg, { type: 'webhook', url, method, params });
    const outcome = await this.t.webhooks.send({ url, method, params }, leg.clock);
    const request = { url, method };
    if (!outcome.ok) {
      this.t.notify(leg, outcome.code, outcome.message, request);
      return { ok: false, code: outcome.code };
    }
    this.t.log(leg, {
      type: 'twiml',
      url,
      status: outcome.status,
      contentType: outcome.contentType,
      body: outcome.body,
    });
    if (!TWIML_CONTENT_TYPE.test(outcome.contentType)) {
      this.t.notify(leg, 12300, `Invalid Content-Type "${outcome.contentType}"`, request);
      return { ok: false, code: 12300 };
    }
    return this.parse(leg, outcome.body, url, request);
  }

  private parse(
    leg: Leg,
    body: string,
    documentUrl: string | undefined,
    request: { url: string; method: string },
  ): Fetched | { ok: false; code: number } {
    const parsed = parseTwiml(body);
    if (!parsed.ok) {
      this.t.notify(leg, parsed.code, parsed.message, request);
      return { ok: false, code: parsed.code };
    }
    for (const w of parsed.warnings) this.t.notify(leg, w.code, w.message, request, true);
    return { ok: true, verbs: parsed.verbs, documentUrl };
  }
}
