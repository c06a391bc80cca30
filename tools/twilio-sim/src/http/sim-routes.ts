import type { Telephony } from '../engine/telephony.js';
import { notFound } from '../errors.js';
import type { Route } from './router.js';

/** The sim's own inspection endpoints (not Twilio's): served without auth on 127.0.0.1. */
export function simRoutes(t: Telephony): Route[] {
  return [
    {
      method: 'GET',
      path: '/_sim/calls/([A-Za-z0-9]+)/events',
      handler: (_req, [sid]) => {
        const leg = t.calls.get(sid as string);
        if (!leg) throw notFound(`/_sim/calls/${sid}/events`);
        return {
          status: 200,
          json: {
            call_sid: leg.call.sid,
            status: leg.call.status,
            direction: leg.call.direction,
            peer_call_sid: leg.peer?.call.sid ?? null,
            events: leg.events,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/_sim/health',
      handler: () => ({ status: 200, json: { status: 'ok', time: new Date(t.now()).toISOString() } }),
    },
  ];
}
