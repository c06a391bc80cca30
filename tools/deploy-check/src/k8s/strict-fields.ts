import { fileURLToPath } from 'node:url';
import { CheckerError, runChecker } from '../tools/go-checker.js';

/**
 * Built by install-tools.sh from tools/deploy-check/k8s-check (k8s.io/api and k8s.io/apimachinery, pinned in go.mod).
 * Resolved from this file rather than from REPO_ROOT: manifests.ts imports this module.
 */
export const K8S_STRICT_CHECK_BIN = fileURLToPath(new URL('../../.bin/k8s-strict-check', import.meta.url));

/** The error `checkStrictFields` throws when the checker is missing or fails. */
export { CheckerError as StrictFieldsError } from '../tools/go-checker.js';

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
  const outcome = await runChecker(K8S_STRICT_CHECK_BIN, 'K8S_CHECK', [], yaml);
  if (!outcome.ok) return { valid: false, problems: outcome.problems, checked: 0, skippedKinds: [] };
  const summary = SUMMARY.exec(outcome.stdout);
  if (!summary) {
    throw new CheckerError(
      'SYNTH_DEPLOY_K8S_CHECK_FAILED',
      `unexpected k8s-strict-check output: ${outcome.stdout}`,
    );
  }
  const kinds = summary[2]?.trim() ?? '';
  return {
    valid: true,
    problems: [],
    checked: Number(summary[1]),
    skippedKinds: kinds ? kinds.split(', ') : [],
  };
}
