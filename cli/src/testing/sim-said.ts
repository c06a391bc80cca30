import { SimHttpClient } from '@synthcall/twilio-sim';
import twilio from 'twilio';

interface SimEvent {
  type: string;
  text?: string;
}

/**
 * What twilio-sim logged as said, per `<callId>:<role>`, read through the official SDK and the sim's inspection
 * endpoint: the answering leg ran the gateway's TwiML; its peer is the participant leg dialled to
 * `app:AP…?callId=…&role=…`.
 */
export async function simSaid(sim: {
  baseUrl: string;
  accountSid: string;
  authToken: string;
}): Promise<Map<string, string[]>> {
  const client = twilio(sim.accountSid, sim.authToken, { httpClient: new SimHttpClient(sim.baseUrl) });
  const calls = await client.calls.list({ limit: 1000 });
  const bySid = new Map(calls.map((c) => [c.sid, c]));
  const said = new Map<string, string[]>();
  for (const leg of calls.filter((c) => c.direction === 'inbound')) {
    const res = await fetch(`${sim.baseUrl}/_sim/calls/${leg.sid}/events`);
    const body = (await res.json()) as { peer_call_sid: string | null; events: SimEvent[] };
    const to = bySid.get(body.peer_call_sid ?? '')?.to ?? '';
    const params = new URLSearchParams(to.split('?')[1] ?? '');
    said.set(
      `${params.get('callId')}:${params.get('role')}`,
      body.events.filter((e) => e.type === 'said').map((e) => e.text ?? ''),
    );
  }
  return said;
}
