import { describe, expect, it } from 'vitest';
import { conversation } from './fixtures.test-support.js';
import { extractPii, type PiiEntity } from './pii.js';

function found(lines: readonly (readonly [1 | 2, string])[]): Pick<PiiEntity, 'type' | 'value'>[] {
  return extractPii(conversation(lines)).map(({ type, value }) => ({ type, value }));
}

describe('extractPii', () => {
  it('extracts a written phone number as a phone number', () => {
    expect(found([[1, 'You can call me back on 415-555-0199 any time.']])).toContainEqual({
      type: 'phone_number',
      value: '+14155550199',
    });
  });

  it('extracts a phone number spoken digit by digit', () => {
    expect(
      found([[1, 'My phone number is four one five, five five five, zero one nine nine.']]),
    ).toContainEqual({
      type: 'phone_number',
      value: '+14155550199',
    });
  });

  it('extracts written and spoken emails, normalised', () => {
    expect(found([[1, 'Send it to Maria.Lopez@Example.com please.']])).toContainEqual({
      type: 'email',
      value: 'maria.lopez@example.com',
    });
    expect(found([[1, 'It is jane dot doe at gmail dot com.']])).toContainEqual({
      type: 'email',
      value: 'jane.doe@gmail.com',
    });
  });

  it('reads an id and a date of birth a recogniser wrote in words, giving the words and their offsets', () => {
    const said = 'Sure, it is T C dash eight eight two one three zero zero seven.';
    const entities = extractPii(
      conversation([
        [2, 'Could I have your account number?'],
        [1, said],
        [2, 'And your date of birth?'],
        [1, 'It is March fourteenth, nineteen eighty six.'],
      ]),
    );
    const id = entities.find((e) => e.type === 'account_number');
    expect(id?.value).toBe('TC-88213007');
    expect(id?.text).toBe('T C dash eight eight two one three zero zero seven');
    expect(said.slice(id?.start, id?.end)).toBe(id?.text);
    expect(entities).toContainEqual(expect.objectContaining({ type: 'date_of_birth', value: '1986-03-14' }));
  });

  it('types an account number from the question the agent asked just before', () => {
    expect(
      found([
        [2, 'Could I have your account number, please?'],
        [1, 'Sure, it is four four one seven, double two zero nine.'],
      ]),
    ).toEqual([{ type: 'account_number', value: '44172209' }]);
  });

  it('tells an order number from an account number by its cue', () => {
    const result = found([[1, 'My account number is 77342219 and the order number is A-48213.']]);
    expect(result).toContainEqual({ type: 'account_number', value: '77342219' });
    expect(result).toContainEqual({ type: 'order_number', value: 'A-48213' });
  });

  it('extracts a street address with its city', () => {
    expect(found([[1, 'I live at 42 Oak Street, Springfield.']])).toContainEqual({
      type: 'address',
      value: '42 Oak Street, Springfield',
    });
  });

  it('extracts person names and not company names', () => {
    const result = found([
      [2, 'Thank you for calling Acme Wireless, my name is Priya, who am I speaking with?'],
      [1, 'Hi, this is Maria Lopez.'],
    ]);
    expect(result).toContainEqual({ type: 'person_name', value: 'Priya' });
    expect(result).toContainEqual({ type: 'person_name', value: 'Maria Lopez' });
    expect(result.map((r) => r.value)).not.toContain('Acme Wireless');
  });

  it('does not take companies, places or products after other words for names', () => {
    const result = found([
      [1, 'I have been a Brightwave customer for years and I called Northwind Energy twice.'],
      [1, 'I flew to Denver with my Visa card, thanks Dana.'],
    ]);
    expect(result.filter((r) => r.type === 'person_name').map((r) => r.value)).toEqual(['Dana']);
  });

  it('ignores money, dates, times, percentages, small counts and compound words with numbers', () => {
    expect(
      found([
        [1, 'I paid $45.99 on the 15th at 3:30, it is 2024 now and I have two kids.'],
        [1, 'My 16-year-old daughter saw the premium go up 28% on a 2-for-1 deal.'],
      ]).filter((r) => r.type !== 'person_name'),
    ).toEqual([]);
  });

  it('reports where in the sentence each value was said', () => {
    const text = 'Sure, my order number is 48213, thanks.';
    const [entity] = extractPii(conversation([[1, text]]));
    expect(entity?.text).toBe('48213');
    expect(text.slice(entity?.start, entity?.end)).toBe('48213');
    expect(entity?.sentenceIndex).toBe(0);
    expect(entity?.mediaChannel).toBe(1);
  });

  it("keeps identifiers in the personas' written form", () => {
    const result = found([
      [1, 'My account number is BW-40718823 and the card ends in 6621.'],
      [1, 'The case number is CS-884120, my date of birth is 1986-03-14 and my phone is +13125550101.'],
    ]);
    expect(result).toEqual(
      expect.arrayContaining([
        { type: 'account_number', value: 'BW-40718823' },
        { type: 'card_last4', value: '6621' },
        { type: 'case_number', value: 'CS-884120' },
        { type: 'date_of_birth', value: '1986-03-14' },
        { type: 'phone_number', value: '+13125550101' },
      ]),
    );
  });
});
