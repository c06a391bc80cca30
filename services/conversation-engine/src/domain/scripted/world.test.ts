import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { articles } from './backstory.js';
import { callWorld, freshSlots } from './world.js';

const MONTHS = ['January', 'February', 'March'];

describe('a call world', () => {
  it('is the same for the same seed and differs for another seed', () => {
    expect(callWorld('seed-a', 'telecom', MONTHS)).toEqual(callWorld('seed-a', 'telecom', MONTHS));
    expect(callWorld('seed-b', 'telecom', MONTHS)).not.toEqual(callWorld('seed-a', 'telecom', MONTHS));
  });

  it('draws the same passing mention for the same line seed', () => {
    expect(freshSlots(seededRandom('line-1'))).toEqual(freshSlots(seededRandom('line-1')));
  });
});

describe('articles after slots are filled', () => {
  it('puts "an" before a vowel sound and "a" before a consonant, leaving "one" and names alone', () => {
    expect(articles('I have a air fryer and an previous bill')).toBe(
      'I have an air fryer and a previous bill',
    );
    expect(articles('a one-time fee, a Honda, an hour')).toBe('a one-time fee, a Honda, an hour');
  });

  it('hears the sound, not the letter: "an ultrasound", "a unit", "an iPad", "an $80 fee", "a $110 fee"', () => {
    expect(articles('a ultrasound, a urgent care visit, a unit, a usual fee, a iPad')).toBe(
      'an ultrasound, an urgent care visit, a unit, a usual fee, an iPad',
    );
    expect(articles('a $80 fee, a $11.50 charge, a $18,000 claim, a $110 fee, a $1,800 bill')).toBe(
      'an $80 fee, an $11.50 charge, an $18,000 claim, a $110 fee, a $1,800 bill',
    );
  });
});
