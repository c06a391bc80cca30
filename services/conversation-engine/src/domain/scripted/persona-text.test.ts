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

  it("changes only the caller's own pronouns, not a relative's", () => {
    expect(
      firstPerson(
        "His 16-year-old daughter just got her driver's license and he needs to add her to the auto policy.",
      ),
    ).toBe("My 16-year-old daughter just got her driver's license and I need to add her to the auto policy.");
    expect(
      firstPerson('Her mother, who uses a wheelchair, is flying alone; she needs assistance for him.'),
    ).toBe('My mother, who uses a wheelchair, is flying alone; I need assistance for him.');
    expect(firstPerson('Add her to the policy from today.', { clauses: false, sex: 'male' })).toBe(
      'Add her to the policy from today.',
    );
  });

  it('leaves a plural noun after "and" alone', () => {
    expect(firstPerson('Was charged fees and charges she never agreed to.')).toContain('fees and charges');
  });
});
