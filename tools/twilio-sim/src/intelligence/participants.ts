import type { ChannelParticipant, ParticipantRole } from './types.js';

/** Twilio documents `Customer`/`Agent`; callers write `customer`/`agent` too. Anything else has no role here. */
export function normaliseRole(role: string | undefined): ParticipantRole | undefined {
  const lower = role?.trim().toLowerCase();
  if (lower === 'customer') return 'Customer';
  if (lower === 'agent') return 'Agent';
  return undefined;
}

export function roleOfChannel(
  participants: readonly ChannelParticipant[],
  channel: number,
): ParticipantRole | undefined {
  return normaliseRole(participants.find((p) => p.channel === channel)?.role);
}

export function channelsWithRole(
  participants: readonly ChannelParticipant[],
  role: ParticipantRole,
): Set<number> {
  return new Set(participants.filter((p) => normaliseRole(p.role) === role).map((p) => p.channel));
}
