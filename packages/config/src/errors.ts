export interface ConfigIssue {
  /** The environment variable at fault, e.g. `OPS_PORT`. */
  variable: string;
  /** Why it was rejected. Never contains the value, which may be a secret. */
  reason: string;
}

export class ConfigError extends Error {
  readonly code = 'SYNTH_CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  ${issue.variable}: ${issue.reason}`);
    super(`Invalid configuration (${issues.length} problem(s)):\n${lines.join('\n')}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
