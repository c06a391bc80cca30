import type { ConferenceCreated, ConferenceRequest, Telephony } from '../domain/ports.js';

/** Records every conference it is asked for; can be told to fail the next creations. */
export class FakeTelephony implements Telephony {
  readonly created: ConferenceRequest[] = [];
  /** Times (ms, from the injected clock) at which each creation finished. */
  readonly createdAt: number[] = [];
  /** Times at which each leg was dialled, in order (customer, agent, customer, …). */
  readonly legsDialledAt: number[] = [];
  private failuresLeft = 0;
  private sequence = 0;

  constructor(private readonly now: () => number = () => 0) {}

  failNext(times = 1): void {
    this.failuresLeft = times;
  }

  async createConference(request: ConferenceRequest, pace: () => Promise<void>): Promise<ConferenceCreated> {
    await pace();
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('fake Twilio refused the participant (21217)');
    }
    this.legsDialledAt.push(this.now());
    await pace();
    this.legsDialledAt.push(this.now());
    this.created.push(request);
    this.createdAt.push(this.now());
    const n = String(++this.sequence).padStart(32, '0');
    return { conferenceSid: `CF${n}`, customerCallSid: `CAc${n.slice(1)}`, agentCallSid: `CAa${n.slice(1)}` };
  }

  async conferenceExists(conferenceName: string): Promise<boolean> {
    return this.created.some((c) => c.conferenceName === conferenceName);
  }
}
