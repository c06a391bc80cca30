import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import * as models from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';
import { checkStrictFields } from './strict-fields.js';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const OVERLAYS = ['dev', 'prod', 'local'] as const;
export type Overlay = (typeof OVERLAYS)[number];
/** The overlays that run Kafka through Strimzi (KafkaTopics) and serve the gateway through an Ingress. */
export const STRIMZI_OVERLAYS = ['dev', 'prod'] as const satisfies readonly Overlay[];

/** Installed by `tools/deploy-check/install-tools.sh` (called from .ci/run); pinned there. */
export const KUSTOMIZE_BIN = join(REPO_ROOT, 'tools/deploy-check/.bin/kustomize');
const SCHEMA_DIR = join(REPO_ROOT, 'tools/deploy-check/k8s-schemas');

export class ManifestError extends Error {
  readonly code: 'SYNTH_DEPLOY_TOOL_MISSING' | 'SYNTH_DEPLOY_BUILD_FAILED';
  constructor(code: ManifestError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ManifestError';
    this.code = code;
  }
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** `kustomize build deploy/k8s/overlays/<overlay>`: the multi-document YAML stream `kubectl apply -k` would send. */
export async function buildOverlayYaml(overlay: Overlay): Promise<string> {
  try {
    await access(KUSTOMIZE_BIN);
  } catch (cause) {
    throw new ManifestError(
      'SYNTH_DEPLOY_TOOL_MISSING',
      `kustomize is not installed at ${KUSTOMIZE_BIN}: run tools/deploy-check/install-tools.sh`,
      { cause },
    );
  }
  try {
    const { stdout } = await run(KUSTOMIZE_BIN, ['build', join(REPO_ROOT, 'deploy/k8s/overlays', overlay)], {
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } catch (cause) {
    throw new ManifestError('SYNTH_DEPLOY_BUILD_FAILED', `kustomize build of overlay ${overlay} failed`, {
      cause,
    });
  }
}

/** The objects of a multi-document YAML stream; empty documents are dropped. */
export function parseManifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

/** `kustomize build deploy/k8s/overlays/<overlay>`, parsed into objects. */
export async function buildOverlay(overlay: Overlay): Promise<Manifest[]> {
  return parseManifests(await buildOverlayYaml(overlay));
}

/** `networking.k8s.io/v1` → the `networkingK8sIo.v1` namespace of kubernetes-models; `v1` → its core group. */
function coreModel(
  apiVersion: string,
  kind: string,
): (new (data: unknown) => { validate(): void }) | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const key = group
    ? group.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toLowerCase())
    : undefined;
  const tree = models as unknown as Record<string, Record<string, Record<string, unknown>>>;
  const byVersion = key
    ? tree[key]?.[version ?? '']
    : (tree[version ?? ''] as Record<string, unknown> | undefined);
  const model = byVersion?.[kind];
  return typeof model === 'function' ? (model as new (data: unknown) => { validate(): void }) : undefined;
}

/** Go's inline case-insensitive flag anywhere in the pattern (`^(?i)(abort|warn)?$`) becomes the `i` flag. */
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)')
      ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: 'goRegExp' },
);

/** The copied CRD schemas, laid out as kubeconform expects: `<group>/<kind>_<version>.json`. */
export class CrdSchemas {
  readonly #ajv = new Ajv({
    strict: false,
    allErrors: true,
    // The formats these CRDs use (date-time) appear in `status` only, which manifests never set.
    validateFormats: false,
    // CRD patterns are Go regular expressions; KEDA's use Go's inline `(?i)` flag, which JavaScript spells `/…/i`.
    code: { regExp: goRegExp },
  });
  readonly #cache = new Map<string, ValidateFunction | null>();

  async validator(apiVersion: string, kind: string): Promise<ValidateFunction | null> {
    const [group, version] = apiVersion.split('/');
    const file = join(SCHEMA_DIR, group ?? '', `${kind.toLowerCase()}_${version}.json`);
    const cached = this.#cache.get(file);
    if (cached !== undefined) return cached;
    let fn: ValidateFunction | null = null;
    try {
      fn = this.#ajv.compile(JSON.parse(await readFile(file, 'utf8')) as object);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#cache.set(file, fn);
    return fn;
  }
}

/**
 * Problems with one manifest: schema errors from kubernetes-models (core kinds) or the CRD schema (custom kinds);
 * a kind neither knows is a problem too, so nothing passes unvalidated.
 */
export async function validateManifest(manifest: Manifest, crds: CrdSchemas): Promise<string[]> {
  const where = `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
  const Model = coreModel(manifest.apiVersion, manifest.kind);
  if (Model) {
    try {
      new Model(manifest).validate();
      return [];
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
  }
  const validate = await crds.validator(manifest.apiVersion, manifest.kind);
  if (!validate) return [`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}

/**
 * Problems with a YAML stream of manifests (a kustomize build): each manifest against its schema (validateManifest),
 * and the built-in kinds decoded strictly by k8s-strict-check, which catches the unknown and duplicated fields the
 * kubernetes-models validators let through. A kind the strict check skips but kubernetes-models knows (a built-in
 * kind at a version k8s-strict-check does not register, a beta API) is a problem too: it would escape the strict check.
 */
export async function validateManifests(yaml: string, crds: CrdSchemas): Promise<string[]> {
  const [schemaProblems, strict] = await Promise.all([
    Promise.all(parseManifests(yaml).map((m) => validateManifest(m, crds))),
    checkStrictFields(yaml),
  ]);
  const unchecked = strict.skippedKinds
    .filter((skipped) => {
      const [apiVersion = '', kind = ''] = skipped.split(' ');
      return coreModel(apiVersion, kind) !== undefined;
    })
    .map(
      (skipped) => `${skipped}: a built-in kind k8s-strict-check does not register, so not checked strictly`,
    );
  return [...schemaProblems.flat(), ...strict.problems, ...unchecked];
}
