import { describe, expect, it } from 'vitest';
import { figureKey, spokenForm, writtenForm } from './index.js';

describe('spokenForm', () => {
  it('reads ids digit by digit with their letters spelled and dashes said', () => {
    expect(spokenForm('It is TC-88213007.')).toBe(
      'It is T C dash eight eight two one three zero zero seven.',
    );
    expect(spokenForm('QX7L2M')).toBe('Q X seven L two M');
  });

  it('says amounts, times, dates, years, percentages and emails as a caller does', () => {
    expect(spokenForm('$202.14 on May 18th at 8:04 am')).toBe(
      'two hundred two dollars and fourteen cents on May eighteenth at eight oh four a m',
    );
    expect(spokenForm('$1,240 by 6 pm in 2020, 4.21%')).toBe(
      'one thousand two hundred forty dollars by six p m in twenty twenty, four point two one percent',
    );
    expect(spokenForm('1986-03-14')).toBe('March fourteenth, nineteen eighty six');
    expect(spokenForm('dana.whitfield@example.com')).toBe('dana dot whitfield at example dot com');
    expect(spokenForm('+13125550101')).toBe('plus one three one two five five five zero one zero one');
  });

  it("keeps the full stop that ends a sentence after a time, and drops only the abbreviation's dot", () => {
    expect(spokenForm('Call me back by 3 pm. I have a meeting.')).toBe(
      'Call me back by three p m. I have a meeting.',
    );
    expect(spokenForm('Open at 8:30 a.m. on Monday.')).toBe('Open at eight thirty a m on Monday.');
    expect(spokenForm('It closes at 6 P.M.')).toBe('It closes at six p m.');
  });

  it('leaves no digit in a line and words as they were', () => {
    const line = 'My 16-year-old daughter, 9 houses, card 0394, zip 43209, flat 25B, 2,800 miles, the 3rd.';
    expect(spokenForm(line)).not.toMatch(/\d/);
    expect(spokenForm('No one called about nine hours.')).toBe('No one called about nine hours.');
  });
});

describe('writtenForm', () => {
  // Every shape of figure the personas and the director write (seen in generated calls).
  const figures = [
    'TC-88213007',
    'RF-2290-4471',
    'SR-AUTO-558213',
    'QX7L2M',
    'MSPSK48812',
    '1Z58E0710345228816',
    'A729',
    '$202.14',
    '$1,240',
    '$2,211.06',
    '$80.00',
    '$34',
    '8:04 am',
    '7:11 am',
    '5:00 pm',
    '6 pm',
    '10:18',
    '12:48',
    'May 18th',
    'June 26th, 2023',
    '2020',
    '2005',
    '1902',
    '1986',
    '4.21%',
    '28%',
    '6621',
    '0394',
    '43209',
    '+13125550101',
    'dana.whitfield@example.com',
    'm.oyelaran@example.net',
  ];
  it.each(figures)('reads back %s from its spoken form', (figure) => {
    expect(figureKey(writtenForm(spokenForm(`Okay, it is ${figure} I think.`)).text)).toBe(
      figureKey(`Okay, it is ${figure} I think.`),
    );
  });

  it('keeps a lone digit word and everything that is not a figure', () => {
    const line = 'No one called, this one is fine, nine hours, one second.';
    expect(writtenForm(line).text).toBe(line);
  });

  it('ends a figure at a misheard word, as a recogniser error leaves it', () => {
    expect(writtenForm('T C dash eight ate two one three').text).toBe('TC-8 ate 213');
  });

  it('maps a written span back to the spoken words it came from', () => {
    const spoken = 'my account is T C dash eight eight two one, thanks';
    const w = writtenForm(spoken);
    expect(w.text).toBe('my account is TC-8821, thanks');
    const start = w.text.indexOf('TC-8821');
    const back = w.toSpoken(start, start + 'TC-8821'.length);
    expect(spoken.slice(back.start, back.end)).toBe('T C dash eight eight two one');
    const thanks = w.text.indexOf('thanks');
    const after = w.toSpoken(thanks, thanks + 6);
    expect(spoken.slice(after.start, after.end)).toBe('thanks');
  });
});

describe('figureKey', () => {
  it('compares figures as a recogniser can tell them apart', () => {
    expect(figureKey('TC-88213007')).toBe(figureKey('tc88213007'));
    expect(figureKey('$80.00')).toBe(figureKey('$80'));
    expect(figureKey('5:00')).toBe(figureKey('5'));
    expect(figureKey('$91.17')).not.toBe(figureKey('$91.77'));
  });
});
