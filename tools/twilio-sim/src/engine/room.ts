import { spokenBefore } from '@synthcall/speech-timing';
import type { Clock } from './clock.js';

/** A party that can speak into a room and listen to it: a TwiML-running leg, or the silent far end of a call. */
export interface RoomMember {
  readonly id: string;
  /** Muted or on hold: what it says is not heard. */
  silenced(): boolean;
  /** On hold: it hears nothing. */
  deafened(): boolean;
}

export interface Utterance {
  speaker: RoomMember;
  text: string;
  voice: string;
  startMs: number;
  endMs: number;
}

export interface HeardSpeech {
  text: string;
  /** Clock time the heard speech ended. */
  endMs: number;
}

/**
 * Speech capture of one `<Gather input="speech">`. It waits `timeout` for speech to start; once speech was heard
 * it ends `speechTimeout` after the last utterance stopped (if no new one started), or at 60 s of capture. With a
 * `maxSpeechMs` it ends that long after speech started, with the words heard so far (the speaker may still be talking).
 */
export class SpeechListener {
  private words: string[] = [];
  private capturing = false;
  private timer: (() => void) | undefined;
  private limit: (() => void) | undefined;
  /** The words others are saying right now, up to now (set by the room that holds the listener). */
  partial: () => string[] = () => [];
  /** Called when speech starts (a nested <Say> of a barge-in Gather stops on it). */
  onCapture: (() => void) | undefined;
  private finished = false;
  private resolveDone!: (result: string | undefined) => void;
  readonly done: Promise<string | undefined>;
  private readonly captureLimitAt: number;
  /** Called once when capture ends; the owning room drops the listener. Rebound when the member moves rooms. */
  onFinish: (listener: SpeechListener) => void = () => {};

  constructor(
    readonly member: RoomMember,
    private readonly clock: Clock,
    readonly sinceMs: number,
    readonly timeoutMs: number,
    private readonly speechTimeoutMs: number,
    private readonly maxSpeechMs?: number,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.captureLimitAt = sinceMs + timeoutMs + 60_000;
    this.arm(sinceMs + timeoutMs);
  }

  /** Someone else started talking while this listener could hear. */
  speechStarted(): void {
    if (this.finished) return;
    const first = !this.capturing;
    this.capturing = true;
    this.disarm();
    if (first && this.maxSpeechMs !== undefined) {
      this.limit = this.clock.at(this.clock.now() + this.maxSpeechMs, () => {
        this.limit = undefined;
        const words = [...this.words, ...this.partial()];
        this.finish(words.length > 0 ? words.join(' ') : undefined);
      });
    }
    if (first) this.onCapture?.();
  }

  /** An utterance this listener heard (a part of) ended. `othersStillTalking` keeps capture open. */
  speechEnded(words: string[], othersStillTalking: boolean): void {
    if (this.finished) return;
    this.words.push(...words);
    if (!othersStillTalking) this.arm(Math.min(this.clock.now() + this.speechTimeoutMs, this.captureLimitAt));
  }

  get isCapturing(): boolean {
    return this.capturing;
  }

  cancel(): void {
    this.finish(undefined);
  }

  private arm(atMs: number): void {
    this.disarm();
    this.timer = this.clock.at(atMs, () => {
      this.timer = undefined;
      this.finish(this.words.length > 0 ? this.words.join(' ') : undefined);
    });
  }

  private disarm(): void {
    this.timer?.();
    this.timer = undefined;
  }

  private finish(result: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.disarm();
    this.limit?.();
    this.limit = undefined;
    this.onFinish(this);
    this.resolveDone(result);
  }
}

export interface RoomObserver {
  /** Every utterance that was audible in the room (for recordings and inspection). */
  onUtterance?(utterance: Utterance, audibleFromMs: number): void;
  /** A listener heard words of an utterance. */
  onHeard?(listener: SpeechListener, utterance: Utterance, words: string[]): void;
}

/**
 * The audio model: what one member says is heard by every other member with an active speech listener, from the
 * moment both the room carries audio (`activeSince`) and the listener started listening. A member that is speaking
 * has no listener (its TwiML is busy with <Say>), so it does not hear.
 */
export class Room {
  private readonly members = new Set<RoomMember>();
  private readonly talking = new Map<RoomMember, Utterance>();
  private readonly listeners = new Set<SpeechListener>();
  private activeSince: number | undefined;
  private observer: RoomObserver = {};

  constructor(
    readonly id: string,
    private readonly clock: Clock,
  ) {}

  observe(observer: RoomObserver): void {
    this.observer = observer;
  }

  get isActive(): boolean {
    return this.activeSince !== undefined;
  }

  has(member: RoomMember): boolean {
    return this.members.has(member);
  }

  join(member: RoomMember): void {
    this.members.add(member);
    this.wakeListeners();
  }

  leave(member: RoomMember): void {
    this.members.delete(member);
    this.talking.delete(member);
    for (const l of [...this.listeners]) if (l.member === member) l.cancel();
  }

  private adopt(listener: SpeechListener): void {
    listener.onFinish = (l) => this.listeners.delete(l);
    listener.partial = () => this.saidSoFar(listener);
    this.listeners.add(listener);
  }

  /** What the others are saying now, up to now: the words each has begun (a voice finishes the word it is in). */
  private saidSoFar(listener: SpeechListener): string[] {
    if (this.activeSince === undefined || listener.member.deafened()) return [];
    const now = this.clock.now();
    const out: string[] = [];
    for (const [speaker, u] of this.talking) {
      if (speaker === listener.member || speaker.silenced()) continue;
      const { said } = spokenBefore(u.text, u.voice, (now - u.startMs) / 1000);
      out.push(...heardWords({ ...u, text: said }, Math.max(this.activeSince, listener.sinceMs)));
    }
    return out;
  }

  /**
   * Moves a member, with what it is saying and its open speech capture, to another room: a leg whose pair joins a
   * conference keeps listening there.
   */
  moveTo(member: RoomMember, target: Room): void {
    const utterance = this.talking.get(member);
    const moving = [...this.listeners].filter((l) => l.member === member);
    this.members.delete(member);
    this.talking.delete(member);
    for (const l of moving) this.listeners.delete(l);
    target.members.add(member);
    if (utterance) target.talking.set(member, utterance);
    for (const l of moving) target.adopt(l);
    target.wakeListeners();
  }

  /** Audio starts flowing (conference started, call bridged). */
  activate(): void {
    if (this.activeSince !== undefined) return;
    this.activeSince = this.clock.now();
    this.wakeListeners();
  }

  deactivate(): void {
    this.activeSince = undefined;
  }

  listen(
    member: RoomMember,
    timeoutMs: number,
    speechTimeoutMs: number,
    maxSpeechMs?: number,
  ): SpeechListener {
    const listener = new SpeechListener(
      member,
      this.clock,
      this.clock.now(),
      timeoutMs,
      speechTimeoutMs,
      maxSpeechMs,
    );
    this.adopt(listener);
    this.wakeListeners();
    return listener;
  }

  startUtterance(utterance: Utterance): void {
    if (!this.members.has(utterance.speaker)) return;
    this.talking.set(utterance.speaker, utterance);
    this.wakeListeners();
  }

  /** The speaker was cut off (hang-up, redirect): nobody gets a partial sentence. */
  cancelUtterance(utterance: Utterance): void {
    if (this.talking.get(utterance.speaker) === utterance) this.talking.delete(utterance.speaker);
  }

  endUtterance(utterance: Utterance): void {
    if (this.talking.get(utterance.speaker) !== utterance) return;
    this.talking.delete(utterance.speaker);
    if (utterance.text.trim() === '') return;
    if (this.activeSince === undefined || utterance.speaker.silenced()) return;
    this.observer.onUtterance?.(utterance, Math.max(utterance.startMs, this.activeSince));
    for (const listener of [...this.listeners]) {
      if (listener.member === utterance.speaker || !listener.isCapturing || listener.member.deafened())
        continue;
      const words = heardWords(utterance, Math.max(this.activeSince, listener.sinceMs));
      if (words.length > 0) this.observer.onHeard?.(listener, utterance, words);
      listener.speechEnded(words, this.othersTalking(listener.member));
    }
  }

  private othersTalking(member: RoomMember): boolean {
    for (const [speaker] of this.talking) if (speaker !== member && !speaker.silenced()) return true;
    return false;
  }

  private wakeListeners(): void {
    if (this.activeSince === undefined) return;
    // A listener already capturing hears speech start again too: its speech timeout, running since the last words
    // stopped, must not end the capture while someone talks.
    for (const listener of this.listeners) {
      if (!listener.member.deafened() && this.othersTalking(listener.member)) listener.speechStarted();
    }
  }
}

/** The words of an utterance spoken at or after `fromMs`, assuming words are evenly spread over its duration. */
export function heardWords(utterance: Utterance, fromMs: number): string[] {
  const words = utterance.text.split(/\s+/).filter((w) => w !== '');
  if (fromMs <= utterance.startMs) return words;
  if (fromMs >= utterance.endMs) return [];
  const skipped = Math.ceil(
    (words.length * (fromMs - utterance.startMs)) / (utterance.endMs - utterance.startMs),
  );
  return words.slice(skipped);
}
