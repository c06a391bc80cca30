import { describe, expect, it } from 'vitest';
import { classifyForCustomer } from './classify.js';

describe('what the caller makes of an agent line', () => {
  it('takes a stated limitation as a limitation', () => {
    expect(classifyForCustomer("I'm not able to waive that fee myself; it's above my authorisation.")).toBe(
      'limitation',
    );
  });

  it('takes a question the recogniser turned into "Can\'t I ask" as a step, not a limitation', () => {
    expect(
      classifyForCustomer("Your contract started on October 8th. Can't I ask why you want to cancel?"),
    ).toBe('step');
  });
});
