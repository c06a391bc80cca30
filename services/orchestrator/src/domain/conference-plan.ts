import type { Role } from '@synthcall/schemas';
import type { ConferenceRequest } from './ports.js';

export interface ConferenceSettings {
  from: string;
  customerTo: string;
  agentTo: string;
  /** The gateway's public origin (what Twilio can reach), without a trailing path. */
  gatewayPublicUrl: string;
  timeLimitSec: number;
}

/** Gateway paths for Twilio's status callbacks; every URL carries the callId (and the role for a leg). */
export const CALLBACK_PATHS = {
  conference: '/twilio/status/conference',
  call: '/twilio/status/call',
  recording: '/twilio/status/recording',
} as const;

/** `<requestId>-0007`: deterministic, so a redelivered request maps to the same calls. */
export function callIdFor(requestId: string, index: number): string {
  return `${requestId}-${String(index).padStart(4, '0')}`;
}

export function conferenceNameFor(callId: string): string {
  return `synthcall-${callId}`;
}

/**
 * Where Twilio dials a role. `app:AP…` targets get `callId` and `role` as parameters (they arrive in the voice
 * webhook); a phone number is used as it is, and its voice URL must tell the gateway the role.
 */
export function dialTarget(to: string, callId: string, role: Role): string {
  if (!to.startsWith('app:')) return to;
  const [app, query = ''] = to.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('callId', callId);
  params.set('role', role);
  return `${app}?${params.toString()}`;
}

export function callbackUrl(base: string, path: string, params: Record<string, string>): string {
  const url = new URL(base);
  // Keep a base path (e.g. https://host/gw) in front of ours.
  url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

export function planConference(callId: string, settings: ConferenceSettings): ConferenceRequest {
  const base = settings.gatewayPublicUrl;
  const leg = (role: Role, to: string) => ({
    role,
    label: role,
    from: settings.from,
    to: dialTarget(to, callId, role),
    statusCallbackUrl: callbackUrl(base, CALLBACK_PATHS.call, { callId, role }),
  });
  return {
    callId,
    conferenceName: conferenceNameFor(callId),
    participants: [leg('customer', settings.customerTo), leg('agent', settings.agentTo)],
    timeLimitSec: settings.timeLimitSec,
    conferenceStatusCallbackUrl: callbackUrl(base, CALLBACK_PATHS.conference, { callId }),
    recordingStatusCallbackUrl: callbackUrl(base, CALLBACK_PATHS.recording, { callId }),
  };
}
