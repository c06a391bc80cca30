import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Built by install-tools.sh from tools/deploy-check/k8s-check (k8s.io/api and k8s.io/apimachinery, pinned in go.mod).
 * Resolved from this file rather than from REPO_ROOT: manifests.ts imports this module.
 */
export const K8S_STRICT_CHECK_BIN = fileURLToPath(new URL('../../.bin/k8s-strict-check', import.meta.url));

export class StrictFieldsError extends Error {
  override readonly name = 'StrictFieldsError';
  constructor(
    readonly code: 'SYNTH_DEPLOY_K8S_CHECK_MISSING' | 'SYNTH_DEPLOY_K8S_CHECK_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface StrictFieldsResult {
  valid: boolean;
  /** One line per problem, "<kind>/<name>: <message>" (e.g. `Service/web: unknown field "spec.prots"`). */
  problems: string[];
  /** Built-in objects decoded strictly (0 when invalid: the checker only counts on success). */
  checked: number;
  /** "<apiVersion> <kind>" of the documents left to the CRD schemas because they are not built-in kinds. */
  skippedKinds: string[];
}

const SUMMARY = /^ok: (\d+) built-in objects decoded strictly, \d+ others skipped; skipped kinds: (.*)$/m;

/**
 * Decodes the built-in objects of a multi-document YAML stream (a `kustomize build`) into the Go types of k8s.io/api
 * with apimachinery's strict serializer, as the API server does for `kubectl apply --validate=strict`: an unknown
 * or duplicated field is a problem. kubernetes-models' validators accept unknown fields, hence this second check.
 */
export async function checkStrictFields(yaml: string): Promise<StrictFieldsResult> {
  await access(K8S_STRICT_CHECK_BIN).catch((cause: unknown) => {
    throw new StrictFieldsError(
      'SYNTH_DEPLOY_K8S_CHECK_MISSING',
      `k8s-strict-check is not installed at ${K8S_STRICT_CHECK_BIN}: run tools/deploy-check/install-tools.sh`,
      { cause },
    );
  });
  const pending = run(K8S_STRICT_CHECK_BIN, [], { maxBuffer: 32 * 1024 * 1024 });
  pending.child.stdin?.end(yaml);
  try {
    const { stdout } = await pending;
    const summary = SUMMARY.exec(stdout);
    if (!summary) {
      throw new StrictFieldsError(
        'SYNTH_DEPLOY_K8S_CHECK_FAILED',
        `unexpected k8s-strict-check output: ${stdout}`,
      );
    }
    const kinds = summary[2]?.trim() ?? '';
    return {
      valid: true,
      problems: [],
      checked: Number(summary[1]),
      skippedKinds: kinds ? kinds.split(', ') : [],
    };
  } catch (error) {
    if (error instanceof StrictFieldsError) throw error;
    const e = error as { code?: number; stderr?: string };
    // Exit 1 is "invalid"; anything else (2: unreadable stream) is the check itself failing.
    if (e.code !== 1) {
      throw new StrictFieldsError('SYNTH_DEPLOY_K8S_CHECK_FAILED', `k8s-strict-check failed: ${e.stderr}`, {
        cause: error,
      });
    }
    const problems = (e.stderr ?? '').split('\n').filter(Boolean);
    return { valid: false, problems, checked: 0, skippedKinds: [] };
  }
}
