import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { TOPICS, topicSpecs } from '@synthcall/schemas';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KAFKA_TOPICS_FILE, renderKafkaTopics } from '../generate/kafka-topics.js';
import { runtimeClosure, runtimeFiles, SERVICES, TOOL_IMAGES, workspacePackages } from '../image/assemble.js';
import {
  buildOverlayYaml,
  CrdSchemas,
  type Manifest,
  OVERLAYS,
  type Overlay,
  parseManifests,
  REPO_ROOT,
  STRIMZI_OVERLAYS,
  validateManifest,
  validateManifests,
} from './manifests.js';
import { checkStrictFields } from './strict-fields.js';

type Container = {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: unknown; limits?: unknown };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
};
type PodSpec = {
  securityContext?: { runAsNonRoot?: boolean };
  hostNetwork?: boolean;
  containers: (Container & { imagePullPolicy?: string; ports?: { name: string; containerPort: number }[] })[];
};
const podSpec = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
/**
 * The ports a container listens on: the declared ones, or, where none are declared (a local-overlay service that
 * shares its ports with its successor), its OPS_PORT and PORT.
 */
const listenPorts = (c: PodSpec['containers'][number]): number[] =>
  c.ports?.length
    ? c.ports.map((p) => p.containerPort)
    : (c.env ?? []).filter((e) => e.name === 'OPS_PORT' || e.name === 'PORT').map((e) => Number(e.value));
const find = (ms: Manifest[], kind: string, name?: string) =>
  ms.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
const configValue = (ms: Manifest[], configMap: string, key: string) => {
  const cm = ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith(configMap));
  return (cm?.data as Record<string, string> | undefined)?.[key];
};

const built = new Map<Overlay, { yaml: string; manifests: Manifest[] }>();
const crds = new CrdSchemas();

beforeAll(async () => {
  for (const overlay of OVERLAYS) {
    const yaml = await buildOverlayYaml(overlay);
    built.set(overlay, { yaml, manifests: parseManifests(yaml) });
  }
}, 60_000);

const overlay = (name: Overlay) => built.get(name)?.manifests ?? [];

describe.each(OVERLAYS)('overlay %s', (name) => {
  it('builds with kustomize and every manifest passes its schema (core kinds and CRDs)', async () => {
    const manifests = overlay(name);
    expect(manifests.length).toBeGreaterThan(15);
    const yaml = built.get(name)?.yaml ?? '';
    expect(await validateManifests(yaml, crds)).toEqual([]);
    // Every object the strict check skipped has a CRD schema; every other one was decoded strictly.
    const strict = await checkStrictFields(yaml);
    for (const skipped of strict.skippedKinds) {
      const [apiVersion = '', kind = ''] = skipped.split(' ');
      expect(await crds.validator(apiVersion, kind), skipped).not.toBeNull();
    }
    const skipped = manifests.filter((m) => strict.skippedKinds.includes(`${m.apiVersion} ${m.kind}`));
    expect(strict.checked).toBe(manifests.length - skipped.length);
    expect(strict.checked).toBeGreaterThan(10);
    // Compiles the CRD schemas and runs the strict checker (a Go process) over the build: 4.5 s for the first overlay
    // beside two CPU hogs on 2 cores, so vitest's default 5 s fails on a busier machine.
  }, 30_000);

  it('runs each service non-root on a read-only root FS, with probes, resources and the shared config', () => {
    for (const service of SERVICES) {
      const [deployment] = find(overlay(name), 'Deployment', service);
      expect(deployment, service).toBeDefined();
      const spec = podSpec(deployment as Manifest);
      expect(spec.securityContext?.runAsNonRoot, service).toBe(true);
      const [container] = spec.containers;
      expect(container?.image, service).toMatch(new RegExp(`^synthcall/${service}:`));
      expect(container?.securityContext?.readOnlyRootFilesystem, service).toBe(true);
      expect(container?.securityContext?.allowPrivilegeEscalation, service).toBe(false);
      // The named port, or, where no port is declared (local overlay), the port OPS_PORT binds.
      const ops = container?.ports?.length
        ? 'ops'
        : Number(container?.env?.find((e) => e.name === 'OPS_PORT')?.value);
      expect(container?.readinessProbe, service).toMatchObject({ httpGet: { path: '/readyz', port: ops } });
      expect(container?.livenessProbe, service).toMatchObject({ httpGet: { path: '/healthz', port: ops } });
      expect(container?.resources?.requests, service).toBeDefined();
    }
    expect(configValue(overlay(name), 'synthcall-common', 'SYNTHCALL_BUS')).toBe('kafka');
  });

  it('gives the gateway the account SID: a restarted gateway must still know the calls in flight', () => {
    const [gateway] = find(overlay(name), 'Deployment', 'twiml-gateway');
    const env = podSpec(gateway as Manifest).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'TWILIO_ACCOUNT_SID')?.valueFrom).toMatchObject({
      secretKeyRef: { name: 'synthcall-twilio', key: 'TWILIO_ACCOUNT_SID' },
    });
  });

  it('runs only images the Dockerfile builds, each command a file of that image', async () => {
    const packages = await workspacePackages(REPO_ROOT);
    const buildable: readonly string[] = [...SERVICES, ...TOOL_IMAGES];
    const ours = overlay(name).flatMap((m) =>
      m.kind === 'Deployment' || m.kind === 'Job'
        ? podSpec(m).containers.filter((c) => c.image.startsWith('synthcall/'))
        : [],
    );
    expect(ours.length).toBeGreaterThanOrEqual(SERVICES.length + 1);
    // The local overlay also runs images made without the Dockerfile: Kafka and Apicurio by tools/containers, the
    // others from tools/cluster/images/<image>.Dockerfile.
    const containersScript = await readFile(join(REPO_ROOT, 'tools/containers/containers.sh'), 'utf8');
    const clusterImages = await readdir(join(REPO_ROOT, 'tools/cluster/images'));
    for (const container of ours) {
      const image = /^synthcall\/([^:]+):/.exec(container.image)?.[1] ?? '';
      if (!buildable.includes(image)) {
        expect(name, container.image).toBe('local');
        const made =
          containersScript.includes(`synthcall/${image}:`) || clusterImages.includes(`${image}.Dockerfile`);
        expect(made, container.image).toBe(true);
        continue;
      }
      const closure = runtimeClosure(packages, image as Parameters<typeof runtimeClosure>[1]);
      const files = runtimeFiles(closure);
      const [node, script] = (container as { command?: string[] }).command ?? ['node', 'dist/main.js'];
      expect(node).toBe('node');
      // The script is relative to the image's working directory (the app's folder); it may name another package's.
      const path = posix.join(closure[0]?.dir ?? '', script ?? '');
      // dist/ is copied whole; any other script must be one of the copied paths itself.
      expect(
        files.some((f) => f === path || path.startsWith(`${f}/`)),
        `${container.image} ${script}`,
      ).toBe(true);
    }
  });
});

describe.each(STRIMZI_OVERLAYS)('overlay %s (Strimzi)', (name) => {
  it('serves the gateway through an Ingress whose host and scheme are those of GATEWAY_PUBLIC_URL', () => {
    const url = new URL(configValue(overlay(name), 'synthcall-gateway-url', 'GATEWAY_PUBLIC_URL') ?? 'x:');
    const [ingress] = find(overlay(name), 'Ingress', 'twiml-gateway');
    const spec = ingress?.spec as { rules: { host: string }[]; tls?: { hosts: string[] }[] };
    expect(spec.rules.map((r) => r.host)).toEqual([url.hostname]);
    expect(url.protocol === 'https:').toBe((spec.tls ?? []).some((t) => t.hosts.includes(url.hostname)));
  });

  it('declares one KafkaTopic per topic of the manifest, with its partitions and configs, on the cluster it runs', () => {
    const topics = find(overlay(name), 'KafkaTopic');
    const [kafka] = find(overlay(name), 'Kafka');
    expect(topics.map((t) => t.metadata.name).sort()).toEqual(
      topicSpecs()
        .map((t) => t.name)
        .sort(),
    );
    for (const spec of topicSpecs()) {
      const topic = topics.find((t) => t.metadata.name === spec.name) as Manifest;
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe(kafka?.metadata.name);
      expect(topic.spec).toMatchObject({ partitions: spec.partitions, config: spec.config });
    }
  });
});

describe('the generated KafkaTopics', () => {
  it('are the checked-in file, byte for byte (run `npm run generate -w @synthcall/deploy-check` after a topic change)', async () => {
    const checkedIn = await readFile(join(REPO_ROOT, KAFKA_TOPICS_FILE), 'utf8');
    expect(checkedIn).toBe(renderKafkaTopics());
  });

  it('change when the topic manifest changes', () => {
    const changed = topicSpecs().map((t) => (t.name === TOPICS.calls.name ? { ...t, partitions: 12 } : t));
    expect(renderKafkaTopics(changed)).not.toBe(renderKafkaTopics());
  });
});

describe.each(['dev', 'local'] as const)('overlay %s (twilio-sim)', (name) => {
  it("dials, for both legs, an application twilio-sim owns from the start whose voice URL is the gateway's", () => {
    const [sim] = find(overlay(name), 'Deployment', 'twilio-sim');
    const args = (podSpec(sim as Manifest).containers[0] as unknown as { args: string[] }).args;
    const apps = new Map(
      args.flatMap((a) => {
        const m = /^--application=(AP[0-9a-f]{32})=(\S+)$/.exec(a);
        return m ? [[m[1] as string, m[2] as string]] : [];
      }),
    );
    const [secret] = find(overlay(name), 'Secret', 'synthcall-twilio');
    const data = secret?.data as Record<string, string>;
    const decoded = (key: string) => Buffer.from(data[key] ?? '', 'base64').toString();
    const gateway = configValue(overlay(name), 'synthcall-gateway-url', 'GATEWAY_PUBLIC_URL') ?? '';
    for (const key of ['TWILIO_CUSTOMER_TO', 'TWILIO_AGENT_TO']) {
      const sid = /^app:(AP[0-9a-f]{32})$/.exec(decoded(key))?.[1] ?? '';
      expect(apps.get(sid), key).toBe(`${gateway}/twilio/voice`);
    }
  });
});

describe('the dev overlay', () => {
  it('is offline: twilio-sim answers the REST API and the engine uses the scripted provider', () => {
    const dev = overlay('dev');
    expect(find(dev, 'Deployment', 'twilio-sim')).toHaveLength(1);
    expect(find(dev, 'Service', 'twilio-sim')).toHaveLength(1);
    expect(configValue(dev, 'synthcall-llm', 'LLM_PROVIDER')).toBe('scripted');
    const pools = find(dev, 'KafkaNodePool');
    expect(pools.map((p) => p.spec)).toMatchObject([{ replicas: 1, roles: ['controller', 'broker'] }]);
  });
});

describe('the local overlay (npm run cluster:up)', () => {
  const local = () => overlay('local');
  const workloads = () => local().filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind));

  it('holds only built-in kinds, every one decoded strictly (the bare cluster runs no operator)', async () => {
    const strict = await checkStrictFields(built.get('local')?.yaml ?? '');
    expect(strict.skippedKinds).toEqual([]);
    expect(strict.checked).toBe(local().length);
    expect(find(local(), 'Ingress')).toEqual([]);
  });

  it('runs every pod on the node network from a local image, each port its own, all on 127.0.0.1', () => {
    const ports: number[] = [];
    for (const m of workloads()) {
      const spec = podSpec(m);
      expect(spec.hostNetwork, m.metadata.name).toBe(true);
      for (const c of spec.containers) {
        expect(c.imagePullPolicy, c.name).toBe('Never');
        // The pod's IP is the node's address, where nothing listens: each probe must name the loopback host.
        for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean) as Record<
          string,
          { host?: string }
        >[])
          expect(Object.values(probe).find((v) => typeof v === 'object')?.host, c.name).toBe('127.0.0.1');
        ports.push(...listenPorts(c));
      }
    }
    expect(ports.length).toBeGreaterThanOrEqual(10);
    expect(new Set(ports).size).toBe(ports.length);
    expect(configValue(local(), 'synthcall-common', 'OPS_HOST')).toBe('127.0.0.1');
    const brokers = configValue(local(), 'synthcall-common', 'KAFKA_BROKERS') ?? '';
    const registry = new URL(configValue(local(), 'synthcall-common', 'SCHEMA_REGISTRY_URL') ?? 'x:');
    const gateway = new URL(configValue(local(), 'synthcall-gateway-url', 'GATEWAY_PUBLIC_URL') ?? 'x:');
    for (const [host, port] of [
      brokers.split(':'),
      [registry.hostname, registry.port],
      [gateway.hostname, gateway.port],
    ])
      expect(ports, `${host}:${port}`).toContain(Number(port));
    expect([brokers.split(':')[0], registry.hostname, gateway.hostname]).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
    ]);
  });

  it('runs Kafka as a KRaft StatefulSet of the local image and provisions the topics with tools/stack', () => {
    const [kafka] = find(local(), 'StatefulSet', 'kafka');
    expect(podSpec(kafka as Manifest).containers[0]?.image).toMatch(/^synthcall\/kafka:/);
    expect(find(local(), 'KafkaTopic')).toEqual([]);
    const [job] = find(local(), 'Job', 'provision-topics');
    const container = podSpec(job as Manifest).containers[0] as unknown as { command: string[] };
    expect(container.command.slice(-2)).toEqual(['../tools/stack/dist/cli.js', 'provision']);
  });

  it("scrapes every service's ops port with Prometheus", () => {
    const config = configValue(local(), 'prometheus-config', 'prometheus.yml') ?? '';
    for (const service of SERVICES) {
      const [deployment] = find(local(), 'Deployment', service);
      const ops = podSpec(deployment as Manifest).containers[0]?.env?.find(
        (e) => e.name === 'OPS_PORT',
      )?.value;
      expect(ops, service).toMatch(/^31\d{3}$/);
      expect(config, service).toMatch(
        new RegExp(
          `job_name: ${service}\\n\\s+static_configs: \\[\\{ targets: \\["127\\.0\\.0\\.1:${ops}"\\] \\}\\]`,
        ),
      );
    }
  });
});

describe('the prod overlay', () => {
  const prod = () => overlay('prod');

  it('runs 3 controllers and 3 brokers, and every topic with 3 replicas and min ISR 2', () => {
    const pools = find(prod(), 'KafkaNodePool').map((p) => p.spec as { replicas: number; roles: string[] });
    expect(pools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ replicas: 3, roles: ['controller'] }),
        expect.objectContaining({ replicas: 3, roles: ['broker'] }),
      ]),
    );
    for (const topic of find(prod(), 'KafkaTopic')) {
      expect(topic.spec, topic.metadata.name).toMatchObject({
        replicas: 3,
        config: { 'min.insync.replicas': '2' },
      });
    }
  });

  it('has a PodDisruptionBudget per service, KEDA for the engine and sink, and an HPA for the gateway', () => {
    for (const service of SERVICES)
      expect(find(prod(), 'PodDisruptionBudget', service), service).toHaveLength(1);
    const scaled = find(prod(), 'ScaledObject').map(
      (s) => (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    expect(scaled.sort()).toEqual(['analytics-sink', 'conversation-engine']);
    const [hpa] = find(prod(), 'HorizontalPodAutoscaler');
    expect(hpa?.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'twiml-gateway' } });
  });

  it('scales on the lag of topics that exist', () => {
    const names = new Set(topicSpecs().map((t) => t.name));
    for (const so of find(prod(), 'ScaledObject')) {
      const [trigger] = (so.spec as { triggers: { metadata: { topic: string } }[] }).triggers;
      expect(names.has(trigger?.metadata.topic ?? ''), so.metadata.name).toBe(true);
    }
  });

  it('uses the real providers: no twilio-sim, OpenAI as the language model, credentials only from Secrets', () => {
    expect(find(prod(), 'Deployment', 'twilio-sim')).toEqual([]);
    expect(find(prod(), 'Secret')).toEqual([]);
    expect(configValue(prod(), 'synthcall-llm', 'LLM_PROVIDER')).toBe('openai');
  });
});

describe('validation', () => {
  const copy = (m: Manifest) => structuredClone(m);

  it('rejects a Deployment whose container image is not a string', async () => {
    const deployment = copy(find(overlay('dev'), 'Deployment', 'twiml-gateway')[0] as Manifest);
    (podSpec(deployment).containers[0] as unknown as { image: number }).image = 42;
    expect(await validateManifest(deployment, crds)).toEqual([
      expect.stringContaining('image must be string'),
    ]);
  });

  it('rejects a KafkaTopic with partitions as text and an unknown spec field', async () => {
    const topic = copy(find(overlay('dev'), 'KafkaTopic')[0] as Manifest);
    topic.spec = { ...(topic.spec as object), partitions: 'six', replica: 3 };
    const problems = await validateManifest(topic, crds);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/spec/partitions'),
        expect.stringContaining('additional'),
      ]),
    );
  });

  it('rejects a misspelled container field that the kubernetes-models validators let through', async () => {
    const deployment = copy(find(overlay('dev'), 'Deployment', 'twiml-gateway')[0] as Manifest);
    (podSpec(deployment).containers[0] as unknown as Record<string, unknown>).imagePullPolcy = 'Always';
    expect(await validateManifest(deployment, crds)).toEqual([]);
    expect(await validateManifests(stringify(deployment), crds)).toEqual([
      'Deployment/twiml-gateway: unknown field "spec.template.spec.containers[0].imagePullPolcy"',
    ]);
  });

  it('rejects a Service with spec.prots, naming the field', async () => {
    const service = copy(find(overlay('dev'), 'Service', 'twiml-gateway')[0] as Manifest);
    const spec = service.spec as Record<string, unknown>;
    spec.prots = spec.ports;
    const problems = await validateManifests(stringify(service), crds);
    expect(problems).toEqual(['Service/twiml-gateway: unknown field "spec.prots"']);
  });

  it('rejects a built-in kind at an API version the strict check does not decode', async () => {
    const hpa = {
      apiVersion: 'autoscaling/v2beta2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 2 },
    };
    expect(await validateManifests(stringify(hpa), crds)).toEqual([
      'autoscaling/v2beta2 HorizontalPodAutoscaler: a built-in kind k8s-strict-check does not register, so not checked strictly',
    ]);
  });

  it('rejects a kind it has no schema for instead of letting it through', async () => {
    const odd = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(await validateManifest(odd, crds)).toEqual(['Widget/w: no schema for example.com/v1 Widget']);
  });
});

describe('deploy/k8s/README.md', () => {
  const readme = () => readFile(join(REPO_ROOT, 'deploy/k8s/README.md'), 'utf8');

  it('applies exactly the overlays that exist', async () => {
    const applied = [
      ...(await readme()).matchAll(/kubectl apply -k deploy\/k8s\/overlays\/([a-z0-9-]+)/g),
    ].map((m) => m[1]);
    expect([...new Set(applied)].sort()).toEqual([...OVERLAYS].sort());
  });

  it('builds every image the overlays run, with the build args the Dockerfile needs for its folder', async () => {
    const text = await readme();
    const packages = await workspacePackages(REPO_ROOT);
    const built = new Map<string, string>();
    for (const m of text.matchAll(
      /docker build --build-arg SERVICE=(\S+)(?: --build-arg APP_DIR=(\S+))? -t synthcall\/([^:\s]+):dev/g,
    )) {
      const [, service = '', appDir, image = ''] = m;
      const name = service === '$s' ? undefined : service;
      if (name) {
        expect(image).toBe(name);
        const dir = runtimeClosure(packages, name as Parameters<typeof runtimeClosure>[1])[0]?.dir;
        expect(appDir ?? `services/${name}`).toBe(dir);
        built.set(name, dir ?? '');
      }
    }
    const loop =
      /for s in ([^;]+); do\n\s+docker build --build-arg SERVICE=\$s -t synthcall\/\$s:dev \./.exec(text);
    for (const s of loop?.[1]?.trim().split(/\s+/) ?? []) built.set(s, `services/${s}`);
    const images = overlay('dev').flatMap((m) =>
      m.kind === 'Deployment' || m.kind === 'Job' ? podSpec(m).containers.map((c) => c.image) : [],
    );
    const ours = images.filter((i) => i.startsWith('synthcall/'));
    expect(ours.map((i) => /^synthcall\/([^:]+):dev$/.exec(i)?.[1]).sort()).toEqual([...built.keys()].sort());
  });

  it('creates every Secret the prod overlay reads, and the request it describes is the Job the overlays run', async () => {
    const text = await readme();
    const created = new Set(
      [...text.matchAll(/kubectl -n synthcall create secret (?:generic|tls) (\S+)/g)].map((m) => m[1]),
    );
    // Secrets a pod reads (secretKeyRef, secretRef) or the Ingress serves (tls.secretName), optional ones included.
    const referenced = new Set<string>();
    const walk = (node: unknown, key = ''): void => {
      if (Array.isArray(node)) for (const item of node) walk(item, key);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if ((key === 'secretKeyRef' || key === 'secretRef') && typeof record.name === 'string')
          referenced.add(record.name);
        if (typeof record.secretName === 'string') referenced.add(record.secretName);
        for (const [k, v] of Object.entries(record)) walk(v, k);
      }
    };
    walk(overlay('prod'));
    expect(referenced.size).toBeGreaterThanOrEqual(4);
    expect([...referenced].filter((name) => name && !created.has(name))).toEqual([]);
    const [job] = find(overlay('dev'), 'Job', 'request-calls');
    const args = podSpec(job as Manifest).containers[0] as unknown as { args: string[] };
    expect(text).toContain(`synthcall request ${args.args.join(' ').replaceAll('"', '')}`);
  });
});
