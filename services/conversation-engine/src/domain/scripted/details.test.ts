import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { heardDetail, ownFigure } from './details.js';
import { questionKind } from './planner.js';
import { FIRST_NAMES } from './world.js';

describe('ownFigure', () => {
  it('is the disputed amount itself for a billing dispute or refund', () => {
    expect(ownFigure('billing_dispute', '$42.10')).toBe('$42.10');
    expect(ownFigure('refund', '$9.99')).toBe('$9.99');
  });

  it('is a price above the quoted new one for a plan change or cancellation, so the change reads as a saving', () => {
    // $21.07 × 1.4 = $29.50, shown as a price ending in .99.
    expect(ownFigure('plan_change', '$21.07')).toBe('$28.99');
    expect(ownFigure('cancellation', '$100.00')).toBe('$139.99');
  });

  it('is nothing for a category without a figure of the caller’s own', () => {
    expect(ownFigure('outage', '$21.07')).toBeUndefined();
  });
});

describe('heardDetail', () => {
  it('tells a place the caller is in from a person they named', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const d = heardDetail(
        'I am calling from Findlay, my daughter Kiara set it up.',
        seededRandom(`h-${i}`),
      );
      if (d) kinds.add(`${d.kind}:${d.text}`);
    }
    expect(kinds).toEqual(new Set(['place:Findlay', 'name:Kiara']));
  });

  it('takes a first name after "with" for a person', () => {
    const [person] = [...FIRST_NAMES];
    const read = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const d = heardDetail(`I came in with ${person} on Monday.`, seededRandom(`p-${i}`), 'Skylark Airways');
      if (d) read.add(`${d.kind}:${d.text}`);
    }
    expect(read).toEqual(new Set([`name:${person}`]));
  });

  it('does not take the company the caller is with for a person', () => {
    for (let i = 0; i < 40; i++) {
      expect(
        heardDetail(
          "I've been with Tri-County Power & Gas for 14 years.",
          seededRandom(`c-${i}`),
          'Tri-County Power & Gas',
        ),
      ).toBeUndefined();
      expect(
        heardDetail(
          'I have been with Lakeshore Mutual since May.',
          seededRandom(`m-${i}`),
          'Lakeshore Mutual',
        ),
      ).toBeUndefined();
      // Another company: an airline is not a person either.
      expect(
        heardDetail(
          'I was flying with Virgin Australia last week.',
          seededRandom(`a-${i}`),
          'Skylark Airways',
        ),
      ).toBeUndefined();
    }
  });
});

describe('questionKind', () => {
  it('tells a question about the past from one about when something should start', () => {
    expect(questionKind('Understood, what date should the change start?')).toBe('from-when');
    expect(questionKind('When would you like the new plan to begin?')).toBe('from-when');
    expect(questionKind('When did this start?')).toBe('when');
    expect(questionKind('Okay. What date was the charge?')).toBe('when');
  });
});
