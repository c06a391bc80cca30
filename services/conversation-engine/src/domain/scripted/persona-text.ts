// Persona files describe the customer in the third person ("Was charged a fee on her new line"); the caller says
// it in the first person. These rewrites cover the shapes the persona schema's examples and the seed use.

const VERB_FIXES: Record<string, string> = {
  has: 'have',
  is: 'am',
  was: 'was',
  wants: 'want',
  needs: 'need',
  uses: 'use',
  says: 'say',
  flies: 'fly',
  does: 'do',
  "doesn't": "don't",
  "hasn't": "haven't",
  "isn't": 'am not',
  "can't": "can't",
  keeps: 'keep',
  thinks: 'think',
  sees: 'see',
  gets: 'get',
  lives: 'live',
  owns: 'own',
  pays: 'pay',
  travels: 'travel',
  works: 'work',
  runs: 'run',
  expects: 'expect',
};

const NOT_A_VERB = new Set([
  'her',
  'his',
  'their',
  'my',
  'the',
  'a',
  'an',
  'power',
  'our',
  'two',
  'three',
  'four',
]);

const STATES = new Set([
  'worried',
  'concerned',
  'afraid',
  'scared',
  'unsure',
  'unable',
  'confused',
  'upset',
  'nervous',
]);

function clauseToFirstPerson(clause: string): string {
  const match = /^(\s*)([A-Za-z']+)(.*)$/s.exec(clause);
  if (!match) return clause;
  const [, lead = '', first = '', rest = ''] = match;
  const word = first.toLowerCase();
  if (NOT_A_VERB.has(word)) return clause;
  if (word === 'charged' || word === 'billed' || word === 'locked' || word === 'double-charged')
    return `${lead}I was ${word}${rest}`;
  // A state, not an act: "worried about repossession" → "I'm worried about repossession".
  if (STATES.has(word)) return `${lead}I'm ${word}${rest}`;
  const fixed = VERB_FIXES[word];
  if (fixed) return `${lead}I ${fixed}${rest}`;
  if (word.endsWith('ed')) return `${lead}I ${word}${rest}`;
  if (word.endsWith('ing')) return `${lead}I'm ${word}${rest}`;
  return clause;
}

/** "Was charged a fee on her line; wants it gone" → "I was charged a fee on my line; I want it gone". */
/**
 * Whom the persona's pronouns describe: the first pronoun of its text ("His 16-year-old daughter just got her
 * license" is about a man; "her" there is the daughter). Undefined when the text has none.
 */
export function personaSex(text: string): 'female' | 'male' | undefined {
  const first = /\b(she|her|hers|herself|he|his|him|himself)\b/i.exec(text)?.[1]?.toLowerCase();
  if (!first) return undefined;
  return first.startsWith('h') && first !== 'her' && first !== 'hers' && first !== 'herself'
    ? 'male'
    : 'female';
}

export function firstPerson(
  text: string,
  options: { clauses?: boolean; sex?: 'female' | 'male' | undefined } = {},
): string {
  // Only the caller's own pronouns become "I/my/me"; a relative's stay ("add her to the policy").
  const sex = options.sex ?? personaSex(text);
  const female = sex !== 'male';
  const male = sex !== 'female';
  const isOwn = (word: string) => (/^(?:she|her|herself)$/i.test(word) ? female : male);
  const converted =
    options.clauses === false
      ? text
      : text
          .split(/(?<=[;.]\s)/)
          .map(clauseToFirstPerson)
          .join('');
  return (
    converted
      .replace(/\b(she|he)\b/gi, (w) => (isOwn(w) ? 'I' : w))
      .replace(/\bI's\b/g, "I'm")
      .replace(/\b(herself|himself)\b/g, (w) => (isOwn(w) ? 'myself' : w))
      .replace(/\bhim\b/g, (w) => (male ? 'me' : w))
      .replace(/\b(her|his)\b/g, (w) => (isOwn(w) ? 'my' : w))
      .replace(/\b(Her|His)\b/g, (w) => (isOwn(w) ? 'My' : w))
      .replace(/\bI ([a-z']+)\b/g, (whole, verb: string) => {
        const fixed = VERB_FIXES[verb];
        if (fixed) return `I ${fixed}`;
        // Third-person verbs left over ("before he buys" → "before I buy").
        if (verb.length > 3 && /[^su]s$/.test(verb) && !/(?:ss|us|is|ous)$/.test(verb))
          return `I ${verb.endsWith('ies') ? `${verb.slice(0, -3)}y` : verb.slice(0, -1)}`;
        return whole;
      })
      // A second verb of the same subject: "I switched insurers and wants to cancel" → "and want".
      .replace(
        /\b(I(?:'m|'ve|'d)? [^.;]*?\band) (has|is|wants|needs|thinks|keeps|gets|uses|works|lives|pays|plans|hopes|worries)\b/g,
        (_m, lead: string, verb: string) => `${lead} ${COORDINATED[verb] ?? verb}`,
      )
  );
}

const COORDINATED: Readonly<Record<string, string>> = {
  has: 'have',
  is: 'am',
  worries: 'worry',
  wants: 'want',
  needs: 'need',
  thinks: 'think',
  keeps: 'keep',
  gets: 'get',
  uses: 'use',
  works: 'work',
  lives: 'live',
  pays: 'pay',
  plans: 'plan',
  hopes: 'hope',
};

const IMPERATIVES = new Set(
  'remove refund get correct find add cancel fix move change waive send replace update reverse restore credit explain confirm reset unlock switch reissue ship stop close transfer reimburse set expedite extend reinstate lower honor honour process approve schedule rebook reschedule pay enroll enrol keep mail deliver issue activate port upgrade downgrade dispute block freeze release return exchange help know understand'.split(
    ' ',
  ),
);

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The desired resolution as the caller asks for it: an imperative becomes "I'd like you to …". */
export function wishOf(
  desiredResolution: string,
  sex?: 'female' | 'male',
): { imperative: boolean; text: string } {
  const first = (/^[A-Za-z]+/.exec(desiredResolution)?.[0] ?? '').toLowerCase();
  // A noun phrase ("Enrolled in budget billing") stays one: only its pronouns change.
  const body = firstPerson(lowerFirst(desiredResolution), { clauses: false, sex }).replace(/[.!]+$/, '');
  return { imperative: IMPERATIVES.has(first), text: body };
}
