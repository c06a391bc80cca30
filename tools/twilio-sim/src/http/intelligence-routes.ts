import { iso8601 } from '../domain/dates.js';
import type { OperatorSpec } from '../engine/ports.js';
import type { ServiceRecord, TranscriptRecord, VoiceIntelligence } from '../engine/voice-intelligence.js';
import { badRequest, notFound } from '../errors.js';
import { v2Page } from './paging.js';
import type { Params, SimResponse } from './request.js';
import type { Route } from './router.js';

const SID = '([A-Za-z0-9]+)';

/** Intelligence v2 REST: the paths, params, status codes and JSON of twilio_intelligence_v2.json. */
export function intelligenceRoutes(vi: VoiceIntelligence): Route[] {
  const ac = vi.t.options.accountSid;
  const ok = (json: unknown, status = 200): SimResponse => ({ status, json });
  const url = (path: string) => `${vi.baseUrl()}${path}`;

  const serviceJson = (s: ServiceRecord) => ({
    account_sid: ac,
    auto_redaction: s.autoRedaction,
    media_redaction: s.mediaRedaction,
    auto_transcribe: s.autoTranscribe,
    data_logging: s.dataLogging,
    date_created: iso8601(s.dateCreated),
    date_updated: iso8601(s.dateUpdated),
    friendly_name: s.friendlyName,
    language_code: s.languageCode,
    sid: s.sid,
    unique_name: s.uniqueName,
    url: url(`/v2/Services/${s.sid}`),
    webhook_url: s.webhookUrl,
    webhook_http_method: s.webhookHttpMethod,
    read_only_attached_operator_sids: s.operators.map((o) => o.sid),
    version: s.version,
    encryption_credential_sid: null,
  });

  const transcriptJson = (tr: TranscriptRecord) => {
    const self = url(`/v2/Transcripts/${tr.sid}`);
    return {
      account_sid: ac,
      service_sid: tr.serviceSid,
      sid: tr.sid,
      date_created: iso8601(tr.dateCreated),
      date_updated: iso8601(tr.dateUpdated),
      status: tr.status,
      channel: tr.channel,
      data_logging: vi.services.get(tr.serviceSid)?.dataLogging ?? false,
      language_code: vi.services.get(tr.serviceSid)?.languageCode ?? 'en-US',
      customer_key: tr.customerKey,
      media_start_time: tr.mediaStartTime,
      duration: tr.durationSec,
      url: self,
      redaction: vi.services.get(tr.serviceSid)?.autoRedaction ?? false,
      encryption_credential_sid: null,
      links: {
        sentences: `${self}/Sentences`,
        encrypted_sentences: `${self}/Sentences/Encrypted`,
        media: `${self}/Media`,
        operator_results: `${self}/OperatorResults`,
        encrypted_operator_results: `${self}/OperatorResults/Encrypted`,
      },
    };
  };

  const bool = (q: Params, name: string, fallback: boolean) => q.bool(name) ?? fallback;
  const webhookMethod = (q: Params): 'GET' | 'POST' | 'NULL' => {
    const v = q.get('WebhookHttpMethod');
    if (v === undefined) return 'POST';
    if (v !== 'GET' && v !== 'POST' && v !== 'NULL')
      throw badRequest(20001, `Invalid WebhookHttpMethod "${v}"`);
    return v;
  };

  const operatorJson = (o: OperatorSpec, path: string) => ({
    account_sid: null,
    sid: o.sid,
    friendly_name: o.name,
    description: `${o.name} (simulated by twilio-sim)`,
    author: 'twilio',
    operator_type: o.operatorType,
    version: 1,
    availability: 'general-availability',
    config: {},
    // The sim's operators never change: date them at the start of its clock.
    date_created: iso8601(vi.startedAt),
    date_updated: iso8601(vi.startedAt),
    url: url(`${path}/${o.sid}`),
  });
  const operatorRoutes = (path: string): Route[] => [
    {
      method: 'GET',
      path,
      handler: (req) =>
        ok(
          v2Page(
            'operators',
            vi.analyzer.operators().map((o) => operatorJson(o, path)),
            url(path),
            req.query,
            {},
          ),
        ),
    },
    {
      method: 'GET',
      path: `${path}/${SID}`,
      handler: (_req, [sid]) => {
        const o = vi.analyzer.operators().find((x) => x.sid === sid);
        if (!o) throw notFound(`${path}/${sid}`);
        return ok(operatorJson(o, path));
      },
    },
  ];

  return [
    // Literal segments first: "PreBuilt" would otherwise be read as an operator SID.
    ...operatorRoutes('/v2/Operators/PreBuilt'),
    ...operatorRoutes('/v2/Operators'),
    {
      method: 'GET',
      path: `/v2/Services/${SID}/Operators`,
      handler: (_req, [sid]) => {
        const s = vi.service(sid as string);
        return ok({
          service_sid: s.sid,
          operator_sids: s.operators.map((o) => o.sid),
          url: url(`/v2/Services/${s.sid}/Operators`),
        });
      },
    },
    {
      method: 'POST',
      path: '/v2/Services',
      handler: (req) => {
        const q = req.body;
        const uniqueName = q.get('UniqueName');
        if (!uniqueName) throw badRequest(20001, 'Missing required parameter UniqueName in the post body');
        const s = vi.createService({
          uniqueName,
          friendlyName: q.get('FriendlyName') ?? null,
          languageCode: q.get('LanguageCode') ?? 'en-US',
          autoRedaction: bool(q, 'AutoRedaction', false),
          mediaRedaction: bool(q, 'MediaRedaction', false),
          autoTranscribe: bool(q, 'AutoTranscribe', false),
          dataLogging: bool(q, 'DataLogging', false),
          webhookUrl: q.get('WebhookUrl') ?? null,
          webhookHttpMethod: webhookMethod(q),
        });
        return ok(serviceJson(s), 201);
      },
    },
    {
      method: 'GET',
      path: '/v2/Services',
      handler: (req) =>
        ok(
          v2Page('services', [...vi.services.values()].map(serviceJson), url('/v2/Services'), req.query, {}),
        ),
    },
    {
      method: 'GET',
      path: `/v2/Services/${SID}`,
      handler: (_req, [sid]) => ok(serviceJson(vi.service(sid as string))),
    },
    {
      method: 'POST',
      path: `/v2/Services/${SID}`,
      handler: (req, [sid]) => {
        const s = vi.service(sid as string);
        const q = req.body;
        if (q.has('FriendlyName')) s.friendlyName = q.get('FriendlyName') ?? null;
        if (q.has('UniqueName')) s.uniqueName = q.get('UniqueName') as string;
        if (q.has('WebhookUrl')) s.webhookUrl = q.get('WebhookUrl') || null;
        if (q.has('WebhookHttpMethod')) s.webhookHttpMethod = webhookMethod(q);
        s.autoRedaction = bool(q, 'AutoRedaction', s.autoRedaction);
        s.mediaRedaction = bool(q, 'MediaRedaction', s.mediaRedaction);
        s.autoTranscribe = bool(q, 'AutoTranscribe', s.autoTranscribe);
        s.dataLogging = bool(q, 'DataLogging', s.dataLogging);
        s.version++;
        s.dateUpdated = vi.t.now();
        return ok(serviceJson(s));
      },
    },
    {
      method: 'DELETE',
      path: `/v2/Services/${SID}`,
      handler: (_req, [sid]) => {
        if (!vi.services.delete(sid as string)) throw notFound(`/v2/Services/${sid}`);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: `/v2/Services/${SID}/Operators/${SID}`,
      handler: (_req, [sid, operatorSid]) => {
        const s = vi.service(sid as string);
        const operator = vi.analyzer.operators().find((o) => o.sid === operatorSid);
        if (!operator) throw notFound(`/v2/Operators/${operatorSid}`);
        if (!s.operators.some((o) => o.sid === operator.sid)) s.operators.push(operator);
        return ok(
          {
            service_sid: s.sid,
            operator_sid: operator.sid,
            url: url(`/v2/Services/${s.sid}/Operators/${operator.sid}`),
          },
          201,
        );
      },
    },
    {
      method: 'DELETE',
      path: `/v2/Services/${SID}/Operators/${SID}`,
      handler: (_req, [sid, operatorSid]) => {
        const s = vi.service(sid as string);
        s.operators = s.operators.filter((o) => o.sid !== operatorSid);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/v2/Transcripts',
      handler: (req) => {
        const q = req.body;
        const serviceSid = q.get('ServiceSid');
        const channel = q.get('Channel');
        if (!serviceSid) throw badRequest(20001, 'Missing required parameter ServiceSid in the post body');
        if (!channel) throw badRequest(20001, 'Missing required parameter Channel in the post body');
        const tr = vi.createTranscript({
          serviceSid,
          channel,
          customerKey: q.get('CustomerKey') ?? null,
          mediaStartTime: q.get('MediaStartTime') ?? null,
        });
        return ok(transcriptJson(tr), 202);
      },
    },
    {
      method: 'GET',
      path: '/v2/Transcripts',
      handler: (req) => {
        const q = req.query;
        const filters: Record<string, string> = {};
        for (const k of ['ServiceSid', 'SourceSid', 'Status', 'CustomerKey']) {
          const v = q.get(k);
          if (v !== undefined) filters[k] = v;
        }
        const items = [...vi.transcripts.values()]
          .filter(
            (tr) =>
              (!filters.ServiceSid || tr.serviceSid === filters.ServiceSid) &&
              (!filters.SourceSid || tr.channel.media_properties?.source_sid === filters.SourceSid) &&
              (!filters.Status || tr.status === filters.Status) &&
              (!filters.CustomerKey || tr.customerKey === filters.CustomerKey),
          )
          .reverse()
          .map(transcriptJson);
        return ok(v2Page('transcripts', items, url('/v2/Transcripts'), q, filters));
      },
    },
    {
      method: 'GET',
      path: `/v2/Transcripts/${SID}`,
      handler: (_req, [sid]) => ok(transcriptJson(vi.transcript(sid as string))),
    },
    {
      method: 'DELETE',
      path: `/v2/Transcripts/${SID}`,
      handler: (_req, [sid]) => {
        const tr = vi.transcript(sid as string);
        tr.status = 'canceled';
        vi.transcripts.delete(tr.sid);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: `/v2/Transcripts/${SID}/Sentences`,
      handler: (req, [sid]) => {
        const tr = vi.transcript(sid as string);
        const filters: Record<string, string> = {};
        for (const k of ['Redacted', 'WordTimestamps']) {
          const v = req.query.get(k);
          if (v !== undefined) filters[k] = v;
        }
        // Words are always included, as in the spec's own examples.
        return ok(
          v2Page('sentences', tr.sentences, url(`/v2/Transcripts/${tr.sid}/Sentences`), req.query, filters),
        );
      },
    },
    {
      method: 'GET',
      path: `/v2/Transcripts/${SID}/OperatorResults`,
      handler: (req, [sid]) => {
        const tr = vi.transcript(sid as string);
        const redacted = req.query.get('Redacted');
        return ok(
          v2Page(
            'operator_results',
            tr.operatorResults,
            url(`/v2/Transcripts/${tr.sid}/OperatorResults`),
            req.query,
            redacted ? { Redacted: redacted } : {},
          ),
        );
      },
    },
    {
      method: 'GET',
      path: `/v2/Transcripts/${SID}/OperatorResults/${SID}`,
      handler: (_req, [sid, operatorSid]) => {
        const tr = vi.transcript(sid as string);
        const result = tr.operatorResults.find((r) => r.operator_sid === operatorSid);
        if (!result) throw notFound(`/v2/Transcripts/${sid}/OperatorResults/${operatorSid}`);
        return ok(result);
      },
    },
  ];
}
