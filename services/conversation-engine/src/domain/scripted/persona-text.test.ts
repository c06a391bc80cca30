import { describe, expect, it } from 'vitest';
import { firstPerson } from './persona-text.js';

describe('firstPerson', () => {
  it("turns a persona's third-person issue into the caller's own words", () => {
    expect(firstPerson('Was charged a $35 fee on her new line.')).toMatch(
      /^I was charged a \$35 fee on my new line\.$/,
    );
  });

  it('puts a second verb of the same subject in the first person too', () => {
    // Persona text: "Switched to another insurer and wants to cancel her auto policy".
    expect(firstPerson('Switched to another insurer and wants to cancel her auto policy.')).toBe(
      'I switched to another insurer and want to cancel my auto policy.',
    );
    expect(firstPerson('Was laid off last month and has missed two car loan payments.')).toBe(
      'I was laid off last month and have missed two car loan payments.',
    );
  });

  it('says a state with "I\'m", not as a past act', () => {
    expect(firstPerson('Has missed two payments; worried about repossession.')).toBe(
      "I have missed two payments; I'm worried about repossession.",
    );
  });

  it('leaves a plural noun after "and" alone', () => {
    expect(firstPerson('Was charged fees and charges she never agreed to.')).toContain('fees and charges');
  });
});
