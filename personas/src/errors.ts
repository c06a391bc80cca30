export type PersonaErrorReason = 'unreadable' | 'invalid_json' | 'invalid_content';

export interface PersonaIssue {
  /** The entry at fault, e.g. `customers[3] "Dana Whitfield"`; absent for file-level problems. */
  entry?: string;
  /** Dotted path inside the entry (or the file), e.g. `skills.industries[1]`. */
  field?: string;
  message: string;
}

const MAX_LISTED = 20;

/** A persona file that cannot be used. Raised at start-up, before any call is planned. */
export class PersonaError extends Error {
  readonly code = 'SYNTH_PERSONA_INVALID';
  readonly file: string;
  readonly reason: PersonaErrorReason;
  readonly issues: readonly PersonaIssue[];

  constructor(
    file: string,
    reason: PersonaErrorReason,
    issues: readonly PersonaIssue[],
    options?: { cause?: unknown },
  ) {
    const lines = issues.slice(0, MAX_LISTED).map((issue) => formatIssue(file, issue));
    if (issues.length > MAX_LISTED)
      lines.push(`${file}: … and ${issues.length - MAX_LISTED} more problem(s)`);
    super(lines.join('\n'), options);
    this.name = 'PersonaError';
    this.file = file;
    this.reason = reason;
    this.issues = issues;
  }
}

/** One self-contained line per problem, so each line can be grepped or shown alone. */
export function formatIssue(file: string, issue: PersonaIssue): string {
  const parts = [file];
  if (issue.entry !== undefined) parts.push(issue.entry);
  if (issue.field !== undefined && issue.field !== '') parts.push(issue.field);
  parts.push(issue.message);
  return parts.join(': ');
}
