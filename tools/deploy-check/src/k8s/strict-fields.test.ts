import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildOverlay, type Manifest } from './manifests.js';
import { checkStrictFields } from './strict-fields.js';

type Container = Record<string, unknown>;

let dev: Manifest[] = [];

beforeAll(async () => {
  dev = await buildOverlay('dev');
}, 60_000);

/** A copy of one object of the dev overlay, so each test edits its own. */
function copyOf(kind: string, name: string): Manifest {
  const found = dev.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`the dev overlay has no ${kind}/${name}`);
  return structuredClone(found);
}
const stream = (...manifests: Manifest[]) => manifests.map((m) => stringify(m)).join('---\n');
const firstContainer = (deployment: Manifest) =>
  (deployment.spec as { template: { spec: { containers: Container[] } } }).template.spec
    .containers[0] as Container;

describe('the strict field check (k8s.io/api types, apimachinery strict serializer)', () => {
  it('accepts the gateway Deployment and Service as the dev overlay builds them', async () => {
    const result = await checkStrictFields(
      stream(copyOf('Deployment', 'twiml-gateway'), copyOf('Service', 'twiml-gateway')),
    );
    expect(result).toEqual({ valid: true, problems: [], checked: 2, skippedKinds: [] });
  });

  it('rejects a Deployment whose container has a misspelled field, naming its path', async () => {
    const deployment = copyOf('Deployment', 'twiml-gateway');
    const container = firstContainer(deployment);
    container.imagePullPolcy = 'IfNotPresent';
    const result = await checkStrictFields(stream(deployment));
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      'Deployment/twiml-gateway: unknown field "spec.template.spec.containers[0].imagePullPolcy"',
    ]);
  });

  it('rejects a Service whose spec says prots for ports, naming the field', async () => {
    const service = copyOf('Service', 'twiml-gateway');
    const spec = service.spec as Record<string, unknown>;
    spec.prots = spec.ports;
    delete spec.ports;
    expect((await checkStrictFields(stream(service))).problems).toEqual([
      'Service/twiml-gateway: unknown field "spec.prots"',
    ]);
  });

  it('rejects a field given twice, as the API server does', async () => {
    const text = `${stringify(copyOf('Deployment', 'twiml-gateway'))}`.replace(
      /^spec:\n/m,
      'spec:\n  replicas: 1\n  replicas: 3\n',
    );
    const result = await checkStrictFields(text);
    expect(result.problems).toEqual([
      expect.stringMatching(/^Deployment\/twiml-gateway: .*"replicas" already set/),
    ]);
  });

  it('rejects a field of the wrong type', async () => {
    const deployment = copyOf('Deployment', 'twiml-gateway');
    firstContainer(deployment).image = 42;
    expect((await checkStrictFields(stream(deployment))).problems).toEqual([
      expect.stringMatching(
        /^Deployment\/twiml-gateway: .*cannot unmarshal number .*containers\.image of type string/,
      ),
    ]);
  });

  it('leaves custom resources to their CRD schemas, listing their kinds', async () => {
    const topic = structuredClone(dev.find((m) => m.kind === 'KafkaTopic') as Manifest);
    topic.spec = { ...(topic.spec as object), replica: 3 };
    expect(await checkStrictFields(stream(topic, copyOf('Service', 'twiml-gateway')))).toEqual({
      valid: true,
      problems: [],
      checked: 1,
      skippedKinds: ['kafka.strimzi.io/v1 KafkaTopic'],
    });
  });
});
