import { integrationEnv, uniqueName } from '@synthcall/testing';
import { describe, expect, it } from 'vitest';
import { parseSchema, rawSchema } from './avro.js';
import { EventCodec } from './codec.js';
import { SchemaError } from './errors.js';
import { exampleEvents } from './examples.js';
import { ConfluentSchemaRegistry, LocalSchemaRegistry } from './registry.js';
import { bindTopic } from './topics.js';

describe('ConfluentSchemaRegistry against the real registry', () => {
  const registry = () => new ConfluentSchemaRegistry({ url: integrationEnv().registryUrl });
  const v1 = rawSchema('UtteranceHeard');

  it('round-trips every example event through the registry in the Confluent wire format', async () => {
    const codec = new EventCodec(registry());
    const events = exampleEvents('call-it');
    for (const name of ['CallPlanned', 'TranscriptAnalyzed', 'ConversationState', 'DeadLetter'] as const) {
      const topic = bindTopic(name, uniqueName(`it-${name}`));
      const bytes = await codec.encode(topic, events[name]);
      expect(await codec.decode(topic, bytes)).toEqual(events[name]);
    }
  });

  it('sets BACKWARD on the subject when the codec registers a schema', async () => {
    const topic = bindTopic('ReplyReady', uniqueName('it-compat'));
    await new EventCodec(registry()).ensureRegistered(topic);
    const res = await fetch(`${integrationEnv().registryUrl}/config/${topic.name}-value`);
    expect(await res.json()).toMatchObject({ compatibilityLevel: 'BACKWARD' });
  });

  it('rejects an incompatible change (a new field without a default) with SYNTH_SCHEMA_INCOMPATIBLE', async () => {
    const r = registry();
    const subject = `${uniqueName('it-incompat')}-value`;
    await r.setCompatibility(subject, 'BACKWARD');
    await r.register(subject, v1);
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'language', type: 'string', doc: 'Language heard.' }],
    };
    const err = await r.register(subject, v2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as SchemaError).code).toBe('SYNTH_SCHEMA_INCOMPATIBLE');
  });

  it('accepts a compatible change (a new field with a default), and new readers decode old bytes', async () => {
    const r = registry();
    const subject = `${uniqueName('it-compat')}-value`;
    await r.setCompatibility(subject, 'BACKWARD');
    const id1 = await r.register(subject, v1);
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'language', type: 'string', default: 'en-US', doc: 'Language heard.' }],
    };
    const id2 = await r.register(subject, v2);
    expect(id2).not.toBe(id1);
    const old = await r.encode(id1, exampleEvents().UtteranceHeard);
    expect(await r.decode(old, parseSchema(v2))).toMatchObject({ language: 'en-US', turn: 0 });
  });

  it('writes the same Avro body as the embedded registry, so bytes differ only in the schema id', async () => {
    const topic = bindTopic('CallRequested', uniqueName('it-same-bytes'));
    const event = exampleEvents().CallRequested;
    const remote = await new EventCodec(registry()).encode(topic, event);
    const local = await new EventCodec(new LocalSchemaRegistry()).encode(topic, event);
    expect(remote.subarray(5)).toEqual(local.subarray(5));
  });
});
