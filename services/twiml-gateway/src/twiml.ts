import type { ReplyReady } from '@synthcall/schemas';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;
type SayAttributes = NonNullable<Parameters<InstanceType<typeof VoiceResponse>['say']>[0]>;
type GatherAttributes = NonNullable<Parameters<InstanceType<typeof VoiceResponse>['gather']>[0]>;

/**
 * TwiML documents the gateway answers with, built by the SDK's VoiceResponse so escaping and attribute names are
 * Twilio's own. Voices and languages come from personas (the SDK's unions list only the names it knew when released).
 */

function sayAttributes(voice: string, language: string): SayAttributes {
  return { voice: voice as SayAttributes['voice'], language: language as SayAttributes['language'] };
}

/** Where a leg's next Gather posts, what it listens for, and how long it waits for the other leg to start. */
export interface Listen {
  action: string;
  language: string;
  /** `<Gather timeout>`: seconds until speech must start (`gatherTimeoutSec`), else an empty result is posted. */
  timeoutSec: number;
  /**
   * `<Gather maxSpeechTime>`: this leg cuts into the other leg's line after this many seconds of it, answering what
   * it heard so far (ReplyReady.cutInAfterSec of the line before); absent when it lets the other leg finish.
   */
  maxSpeechTimeSec?: number;
}

function gatherAttributes({ action, language, timeoutSec, maxSpeechTimeSec }: Listen): GatherAttributes {
  return {
    input: ['speech'],
    timeout: timeoutSec,
    ...(maxSpeechTimeSec ? { maxSpeechTime: maxSpeechTimeSec } : {}),
    speechTimeout: 'auto',
    actionOnEmptyResult: true,
    action,
    method: 'POST',
    language: language as GatherAttributes['language'],
  };
}

/**
 * A reply: its line, then either the next Gather (one webhook per turn) or the hang-up that ends the call. A line the
 * other leg is set to cut into (`interruptible`) is said inside the Gather with bargeIn, so the other leg's speech
 * stops it and the Gather hears what cut in.
 */
export function replyTwiml(reply: ReplyReady, next: Listen, interruptible = false): string {
  const response = new VoiceResponse();
  // A line said after a silence (a hold): the leg is silent on the line first, so the silence takes call time.
  if (reply.pauseSec) response.pause({ length: reply.pauseSec });
  if (interruptible && !reply.endCall) {
    response
      .gather({ ...gatherAttributes(next), bargeIn: true })
      .say(sayAttributes(reply.voice, reply.language), reply.text);
    return response.toString();
  }
  response.say(sayAttributes(reply.voice, reply.language), reply.text);
  if (reply.endCall) response.hangup();
  else response.gather(gatherAttributes(next));
  return response.toString();
}

/** A Gather and nothing else: the customer listens first, and a leg listens again for a line not yet spoken. */
export function listenTwiml(listen: Listen): string {
  const response = new VoiceResponse();
  response.gather(gatherAttributes(listen));
  return response.toString();
}

/** The reply is not ready: keep the leg alive for a second and come back to the wait route. */
export function holdTwiml(waitUrl: string): string {
  const response = new VoiceResponse();
  response.pause({ length: 1 });
  response.redirect({ method: 'POST' }, waitUrl);
  return response.toString();
}

/** Ends a leg, with an optional spoken reason (an unknown call gets one; an ended call just hangs up). */
export function hangupTwiml(text?: string): string {
  const response = new VoiceResponse();
  if (text) response.say(text);
  response.hangup();
  return response.toString();
}
