import type { CallPlanned, ReplyReady, Role } from '@synthcall/schemas';
import { TtlMap } from './domain/ttl-map.js';
import { DEFAULT_VOICE, turnKey, type Voice } from './domain/turns.js';

export interface CallInfo {
  /** A CallPlanned was seen (not only replies). */
  planned: boolean;
  voices: Partial<Record<Role, Voice>>;
  /** The engine ended the conversation (an endCall reply), or the conference ended. */
  ended: boolean;
  /** The end was decided by an endCall reply (the engine's, or the gateway's after a run of fallbacks). */
  endDecided: boolean;
  /** Twilio said the conference ended: no leg of the call hears anything any more. */
  hungUp: boolean;
  /** Gateway fallback lines in a row, counted in `replies` order so every replica counts the same. */
  fallbackRun: number;
  /**
   * An ended call the book has forgotten (beyond `retainEnded`): only its id is kept, within the TTL, so a late or
   * duplicate webhook or reply finds it ended instead of bringing it back as a new call.
   */
  forgotten: boolean;
}

/** What the book answers for a forgotten call: ended by a decision, nothing else known. */
const FORGOTTEN: Readonly<CallInfo> = Object.freeze({
  planned: true,
  voices: Object.freeze({}),
  ended: true,
  endDecided: true,
  hungUp: false,
  fallbackRun: 0,
  forgotten: true,
});

/** Who produced a reply: the engine, or a gateway replica that spoke a fallback because the engine was late. */
export type ReplyOrigin = 'engine' | 'gateway';

export interface CallBookOptions {
  ttlMs: number;
  now: () => number;
  /**
   * Ended calls kept (their replies, voices and conferences), newest first: a late webhook of a recently ended call
   * is still answered from the book (a hang-up, the line already spoken). Older ones are forgotten at once instead
   * of after `ttlMs`. Default: no bound but the TTL.
   */
  retainEnded?: number;
  /** Called when an ended call is forgotten, so what others keep per call goes with it. */
  onForget?: (callId: string) => void;
}

interface Waiter {
  /** Finishes the wait if what it waits for is there now. */
  poke(): void;
  /** Finishes the wait with whatever is there. */
  release(): void;
}

/**
 * What this replica knows about calls in flight: their voices, their replies by (callId, role, turn), and whether
 * they ended. Every replica reads the whole `replies` and `calls` topics (own consumer groups), so every replica holds
 * the same book and any of them can answer any webhook. Webhooks that wait for a reply park a waiter here.
 *
 * First reply wins: once a key holds a reply (the engine's, or this or another replica's fallback), later replies
 * for that key are ignored, so a duplicate webhook is always answered with the line already spoken.
 */
export class CallBook {
  /** A call's replies by turnKey, kept together so that forgetting a call forgets them all. */
  private readonly replies: TtlMap<Map<string, ReplyReady>>;
  private readonly calls: TtlMap<CallInfo>;
  private readonly conferences: TtlMap<string>;
  private readonly conferencesOf: TtlMap<string[]>;
  /** Ids of ended calls forgotten beyond `retainEnded`, kept for the TTL (an id, not the call). */
  private readonly forgotten: TtlMap<true>;
  /** Ended calls in the order they ended; the oldest is forgotten beyond `retainEnded`. */
  private readonly ended = new Set<string>();
  private readonly retainEnded: number;
  private readonly onForget: (callId: string) => void;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private closed = false;

  constructor(options: CallBookOptions) {
    this.replies = new TtlMap(options.ttlMs, options.now);
    this.calls = new TtlMap(options.ttlMs, options.now);
    this.conferences = new TtlMap(options.ttlMs, options.now);
    this.conferencesOf = new TtlMap(options.ttlMs, options.now);
    this.forgotten = new TtlMap(options.ttlMs, options.now);
    this.retainEnded = options.retainEnded ?? Number.POSITIVE_INFINITY;
    this.onForget = options.onForget ?? (() => undefined);
  }

  /** Calls the book holds (ended ones within `retainEnded` and the TTL, live ones within the TTL). */
  get size(): number {
    return this.calls.size;
  }

  /** Counts an ended call once; forgets the oldest ended calls beyond `retainEnded`. */
  private finished(callId: string): void {
    if (this.ended.has(callId)) return;
    this.ended.add(callId);
    for (const oldest of this.ended) {
      if (this.ended.size <= this.retainEnded) break;
      this.ended.delete(oldest);
      this.calls.delete(oldest);
      this.replies.delete(oldest);
      for (const sid of this.conferencesOf.get(oldest) ?? []) this.conferences.delete(sid);
      this.conferencesOf.delete(oldest);
      this.forgotten.set(oldest, true);
      this.onForget(oldest);
    }
  }

  plan(planned: CallPlanned): void {
    if (this.forgotten.has(planned.callId)) return;
    const info = this.info(planned.callId);
    info.planned = true;
    info.voices.agent = { voice: planned.agent.voice, language: planned.agent.language };
    info.voices.customer = { voice: planned.customer.voice, language: planned.customer.language };
    this.calls.set(planned.callId, info);
    this.wake(callWaitKey(planned.callId));
  }

  /**
   * Records a reply unless the key already has one; returns the reply that holds the key. A late reply that ends the
   * call still ends it: the line already spoken for its turn stands, and the call's next webhook hangs up.
   */
  offerReply(reply: ReplyReady, origin: ReplyOrigin = 'engine'): { winner: ReplyReady; accepted: boolean } {
    // A replayed or late reply of a call already ended and forgotten: the call stays over.
    if (this.forgotten.has(reply.callId)) return { winner: reply, accepted: false };
    const key = turnKey(reply.callId, reply.role, reply.turn);
    const existing = this.replies.get(reply.callId)?.get(key);
    if (existing) {
      if (reply.endCall && !existing.endCall) this.endByDecision(reply.callId);
      return { winner: existing, accepted: false };
    }
    const replies = this.replies.get(reply.callId) ?? new Map<string, ReplyReady>();
    replies.set(key, reply);
    this.replies.set(reply.callId, replies);
    const info = this.info(reply.callId);
    info.fallbackRun = origin === 'gateway' ? info.fallbackRun + 1 : 0;
    // A plan's voice wins over a fallback's guessed one; an engine reply is authoritative for its role.
    if (!reply.fallback || !info.voices[reply.role])
      info.voices[reply.role] = { voice: reply.voice, language: reply.language };
    if (reply.endCall) {
      info.ended = true;
      info.endDecided = true;
    }
    this.calls.set(reply.callId, info);
    this.wake(key);
    this.wake(callWaitKey(reply.callId));
    if (info.ended) this.finished(reply.callId);
    return { winner: reply, accepted: true };
  }

  /** An end decided after the turn was spoken: every webhook of the call parked here answers now (a hang-up). */
  private endByDecision(callId: string): void {
    const info = this.info(callId);
    if (info.ended && info.endDecided) return;
    info.ended = true;
    info.endDecided = true;
    this.calls.set(callId, info);
    // Reply waits are keyed by turnKey, which starts with the callId.
    for (const key of [...this.waiters.keys()]) {
      if (key === callWaitKey(callId) || key.startsWith(`${callId}\u0000`)) this.wake(key, true);
    }
    this.finished(callId);
  }

  reply(callId: string, role: Role, turn: number): ReplyReady | undefined {
    return this.replies.get(callId)?.get(turnKey(callId, role, turn));
  }

  call(callId: string): Readonly<CallInfo> | undefined {
    return this.calls.get(callId) ?? (this.forgotten.has(callId) ? FORGOTTEN : undefined);
  }

  markEnded(callId: string): void {
    if (this.forgotten.has(callId)) return;
    const info = this.info(callId);
    info.ended = true;
    info.hungUp = true;
    this.calls.set(callId, info);
    this.finished(callId);
  }

  /** The voice a role speaks with: from the plan or its last reply; a default only for a call never seen. */
  voiceOf(callId: string, role: Role): Voice {
    return this.calls.get(callId)?.voices[role] ?? DEFAULT_VOICE;
  }

  /** What a role's Gather listens for: the other role's language. */
  listeningLanguage(callId: string, role: Role): string {
    const voices = this.calls.get(callId)?.voices;
    const other: Role = role === 'agent' ? 'customer' : 'agent';
    return voices?.[other]?.language ?? voices?.[role]?.language ?? DEFAULT_VOICE.language;
  }

  rememberConference(conferenceSid: string, callId: string): void {
    if (this.forgotten.has(callId)) return;
    this.conferences.set(conferenceSid, callId);
    const sids = this.conferencesOf.get(callId) ?? [];
    if (!sids.includes(conferenceSid)) sids.push(conferenceSid);
    this.conferencesOf.set(callId, sids);
  }

  callIdOfConference(conferenceSid: string): string | undefined {
    return this.conferences.get(conferenceSid);
  }

  waitForReply(callId: string, role: Role, turn: number, ms: number): Promise<ReplyReady | undefined> {
    return this.waitFor(turnKey(callId, role, turn), () => this.reply(callId, role, turn), ms);
  }

  /** Resolves true as soon as the call is known (a plan or any reply), false after `ms`. */
  async waitForCall(callId: string, ms: number): Promise<boolean> {
    const known = await this.waitFor(callWaitKey(callId), () => this.calls.get(callId), ms);
    return known !== undefined;
  }

  /** Releases every parked webhook at once (shutdown): each answers with what it has, usually a redirect. */
  close(): void {
    this.closed = true;
    for (const key of [...this.waiters.keys()]) this.wake(key, true);
  }

  private info(callId: string): CallInfo {
    return (
      this.calls.get(callId) ?? {
        planned: false,
        voices: {},
        ended: false,
        endDecided: false,
        hungUp: false,
        fallbackRun: 0,
        forgotten: false,
      }
    );
  }

  private wake(key: string, release = false): void {
    for (const waiter of [...(this.waiters.get(key) ?? [])]) {
      if (release) waiter.release();
      else waiter.poke();
    }
  }

  private waitFor<T>(key: string, check: () => T | undefined, ms: number): Promise<T | undefined> {
    const ready = check();
    if (ready !== undefined || ms <= 0 || this.closed) return Promise.resolve(ready);
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const parked = set;
      const waiter: Waiter = {
        release: () => {
          clearTimeout(timer);
          parked.delete(waiter);
          if (parked.size === 0 && this.waiters.get(key) === parked) this.waiters.delete(key);
          resolve(check());
        },
        poke: () => {
          if (check() !== undefined) waiter.release();
        },
      };
      const timer = setTimeout(waiter.release, ms);
      parked.add(waiter);
    });
  }
}

function callWaitKey(callId: string): string {
  return `call\u0000${callId}`;
}
