import { RoleValues } from '@synthcall/schemas';
import { z } from 'zod';

/**
 * Webhook parameters as Twilio sends them (form fields, all strings), validated after the signature. `callId`,
 * `role`, `heard`/`turn`/`waited` are ours: they travel in the query of the URLs we hand Twilio (or as `app:`
 * parameters, which arrive in the body), so the route reads the body and the query merged, query first.
 */

/** Ids we mint: slug-like, bounded, never anything that could break a URL or a Kafka key. */
export const callIdSchema = z
  .string({ error: 'callId is required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'callId must be 1-128 letters, digits, . _ : -');

const role = z.enum(RoleValues, { error: 'role must be customer or agent' });

const sid = (prefix: string) =>
  z
    .string({ error: `a ${prefix}… SID is required` })
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix}… SID (${prefix} + 32 hex digits)`);

const count = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .regex(/^\d{1,9}$/, `${name} must be a non-negative integer`)
    .transform(Number);

const optionalCount = (name: string) => count(name).optional();

/** Twilio's Confidence, 0-1; absent or empty when nothing was heard (docs: do not rely on it being there). */
const confidence = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return null;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: 'custom', message: 'Confidence must be a number between 0 and 1' });
      return z.NEVER;
    }
    return n;
  });

/** RFC 2822 timestamps on status callbacks; an unreadable one falls back to the arrival time, it is not an error. */
const timestamp = z
  .string()
  .optional()
  .transform((value) => {
    if (!value) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  });

export const voiceParams = z.object({
  callId: callIdSchema,
  role,
  CallSid: sid('CA'),
});

export const gatherParams = z.object({
  callId: callIdSchema,
  role,
  heard: count('heard'),
  CallSid: sid('CA'),
  // Absent when the Gather ended without speech (actionOnEmptyResult=true).
  SpeechResult: z.string().max(10_000, 'SpeechResult is too long').optional(),
  Confidence: confidence,
  /** Set on the Gather that listened through the other leg's hold (see `urls.gather`). */
  held: z.literal('1').optional(),
  /**
   * Set when this is the gateway's own redirect back to this route (publishing what the leg heard was slow): the time
   * the leg was held so far. SpeechResult and Confidence then come in the URL, as the first webhook carried them.
   */
  waited: optionalCount('waited'),
  /** With `waited`: when the first visit arrived (ms since the epoch), the moment the leg's Gather ended. */
  at: z
    .string()
    .regex(/^\d{1,15}$/, 'at must be a time in ms since the epoch')
    .transform(Number)
    .optional(),
});

export const waitParams = z.object({
  callId: callIdSchema,
  role,
  turn: count('turn'),
  waited: count('waited').default(0),
  CallSid: sid('CA'),
});

export const conferenceStatusParams = z.object({
  callId: callIdSchema.optional(),
  ConferenceSid: sid('CF'),
  FriendlyName: z.string().optional(),
  StatusCallbackEvent: z.string({ error: 'StatusCallbackEvent is required' }).min(1),
  SequenceNumber: optionalCount('SequenceNumber'),
  CallSid: sid('CA').optional(),
  ParticipantLabel: z.string().optional(),
  ReasonConferenceEnded: z.string().optional(),
  Timestamp: timestamp,
});

export const callStatusParams = z.object({
  callId: callIdSchema,
  role: role.optional(),
  CallSid: sid('CA'),
  CallStatus: z.string({ error: 'CallStatus is required' }).min(1),
  CallDuration: optionalCount('CallDuration'),
  Timestamp: timestamp,
});

export const recordingStatusParams = z.object({
  callId: callIdSchema.optional(),
  RecordingSid: sid('RE'),
  RecordingUrl: z.url({ error: 'RecordingUrl must be an absolute URL' }),
  RecordingStatus: z.string({ error: 'RecordingStatus is required' }).min(1),
  RecordingDuration: count('RecordingDuration').default(0),
  RecordingChannels: count('RecordingChannels').default(1),
  RecordingSource: z.string().optional(),
  ConferenceSid: sid('CF').optional(),
  Timestamp: timestamp,
  RecordingStartTime: timestamp,
});

/** One line naming every bad field, for the 400 body and the log (never the values: they may be speech or numbers). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.') || '(body)';
      return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
    })
    .join('; ');
}
