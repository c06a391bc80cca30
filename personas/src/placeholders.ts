export interface PlaceholderValues {
  /** The business the customer called (`CustomerPersona.company`). */
  company?: string;
}

/** Said when the customer names no company, so the greeting still reads as a sentence. */
export const FALLBACK_COMPANY = 'customer support';

/**
 * Fills `{company}` in an agent's introduction or farewell. Agents in the embedded set serve several businesses,
 * so their lines name the company only at call time.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replaceAll('{company}', values.company ?? FALLBACK_COMPANY);
}
