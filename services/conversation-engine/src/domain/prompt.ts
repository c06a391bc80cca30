import { COMPETENCE_LABELS, fillPlaceholders } from '@synthcall/personas';
import type { LineRequest } from './llm-provider.js';
import type { CallContext, ChatMessage, Role } from './types.js';

export function companyOf(context: CallContext): string {
  return fillPlaceholders('{company}', context.customer.company ? { company: context.customer.company } : {});
}

/** Sentences of an introduction that only fit a caller handed over by a colleague. */
const AFTER_TRANSFER = /\b(?:read (?:your|the) notes|take it from here|been transferred|was transferred)\b/i;

/**
 * The agent's opening. Every call reaches its agent first hand (no call is a transfer), so an introduction written for
 * a handed-over caller (an escalations desk's "Thank you for holding … I've read your notes") opens as a first answer.
 */
export function agentIntroduction(context: CallContext): string {
  const intro = fillPlaceholders(context.agent.scriptedIntroduction, { company: companyOf(context) });
  if (!/^thank you for holding\b/i.test(intro) && !AFTER_TRANSFER.test(intro)) return intro;
  const kept = intro
    .replace(/^thank you for holding\b/i, 'Thank you for calling')
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => !AFTER_TRANSFER.test(sentence))
    .join(' ');
  return kept.endsWith('?') ? kept : `${kept} How can I help you today?`;
}

export function agentFarewell(context: CallContext): string {
  return fillPlaceholders(context.agent.farewell, { company: companyOf(context) });
}

function customerPrompt(context: CallContext): string {
  const c = context.customer;
  const ids = c.identifiers.map((id) => `${id.kind} ${id.value}`).join('; ');
  const address = c.address
    ? `${c.address.street}, ${c.address.city}, ${c.address.region} ${c.address.postalCode}, ${c.address.country}`
    : 'not on file';
  return [
    `You are ${c.name} (persona ${c.id}), a customer calling ${companyOf(context)} (${c.industry}) on the phone.`,
    `Contact details you may be asked for: email ${c.email}, phone ${c.phone}, address ${address}.`,
    `Identifiers you can read out when asked: ${ids || 'none; offer your phone number and email instead'}.`,
    `Your issue (${c.issueCategory}, complexity ${c.issueComplexity} of 5): ${c.issue}`,
    `What you want: ${c.desiredResolution}`,
    `Demeanor: ${c.demeanor}${c.demeanorNote ? ` — ${c.demeanorNote}` : ''}.`,
    `Technical proficiency: ${c.technicalProficiency}; talk the way such a person talks about technology.`,
    `Escalation trigger: ${c.escalationTrigger}`,
    `Preferred conversation length: ${c.conversationLengthPreference}${c.conversationLengthNote ? ` — ${c.conversationLengthNote}` : ''}.`,
    c.prompt ? `More about you: ${c.prompt}` : '',
    `You speak ${c.language} (voice ${c.voice}).`,
    ...planLines(context, 'customer'),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function agentPrompt(context: CallContext): string {
  const a = context.agent;
  return [
    `You are ${a.name} (persona ${a.id}), a contact-center agent answering calls for ${companyOf(context)}.`,
    `You opened the call with: "${agentIntroduction(context)}"`,
    `How you respond to issues: ${a.responseToIssue}`,
    `Competence: ${a.competence} of 5 (${COMPETENCE_LABELS[a.competence - 1] ?? 'unknown'}).`,
    `Attitude: ${a.attitude}${a.attitudeNote ? ` — ${a.attitudeNote}` : ''}.`,
    `Product knowledge: ${a.productKnowledge}`,
    `Characteristics: ${a.characteristics}`,
    `Skills: industries ${a.skills.industries.join(', ')}; issue categories ${a.skills.issueCategories.join(', ')}.`,
    `When the call is settled, close with your farewell: "${agentFarewell(context)}"`,
    'Verify the caller (name, then an account or order number, or the last digits of their phone) before changing anything.',
    `You speak ${a.language} (voice ${a.voice}).`,
    ...planLines(context, 'agent'),
  ].join('\n');
}

function planLines(context: CallContext, role: Role): string[] {
  const s = context.scenario;
  const lines = [
    `Call plan: ${s.industry} / ${s.issueCategory}, complexity ${s.issueComplexity}; opening demeanor ${s.demeanor}.`,
    `Scenario: ${s.summary}`,
    `The call must end within ${context.maxTurns} lines in total.`,
    'Speak only your own next line: one to three spoken sentences, no stage directions, no speaker names.',
  ];
  if (role === 'agent') lines.push(`Expected outcome for this pairing: ${context.expectedOutcome}.`);
  return lines;
}

/** The one `system` message of a role's history: its persona and the plan. Every persona field reaches it. */
export function systemPrompt(context: CallContext, role: Role): string {
  return role === 'agent' ? agentPrompt(context) : customerPrompt(context);
}

/** Who a role is, in two sentences: a small model follows a short brief better than the whole persona. */
function brief(request: LineRequest): string {
  const { context, move } = request;
  const company = companyOf(context);
  if (move.role === 'customer') {
    const c = context.customer;
    return [
      `You are ${c.name}, a customer on the phone with ${company}.`,
      `Your problem: ${c.issue}`,
      `You want: ${c.desiredResolution}`,
      `Right now you feel ${move.mood ?? c.demeanor}; your technical proficiency is ${c.technicalProficiency}.`,
    ].join(' ');
  }
  const a = context.agent;
  return [
    `You are ${a.name}, a contact-center agent at ${company}, talking to ${context.customer.name} on the phone.`,
    `Your manner: ${a.attitude}${a.attitudeNote ? ` (${a.attitudeNote})` : ''}. ${a.characteristics}`,
  ].join(' ');
}

/** Two worked examples: a small model copies a pattern it has seen far better than it follows a rule. */
const EXAMPLES: ReadonlyArray<{ line: string; worded: string }> = [
  {
    line: 'I can see the charge of $42.10 from March 3rd. Let me check why it posted twice.',
    worded: 'Okay, I see that $42.10 charge from March 3rd. Let me look into why it went through twice.',
  },
  { line: 'Sure, the account number is KT-5521-093.', worded: "Yes, it's KT-5521-093." },
];

function answer(worded: string, format: 'json_schema' | 'text'): string {
  return format === 'json_schema' ? JSON.stringify({ line: worded }) : `LINE: ${worded}`;
}

function ask(line: string): string {
  return `Say this in your own words: "${line}"`;
}

/**
 * The chat messages that ask a model to put the director's move into words: the role's brief and the rules, two
 * worked examples, the role's latest history (what it said and heard, as a short transcript) and the move's own line
 * to reword. `problem` says what was wrong with the previous attempt, so the second request is not the same question.
 */
export function realizerMessages(
  request: LineRequest,
  options: { historyMessages: number; format: 'json_schema' | 'text'; problem?: string },
): Array<{ role: 'system' | 'user' | 'assistant'; content: string }> {
  const { move } = request;
  const rules = [
    brief(request),
    'You are told what you say next. Say it in your own words, the way this person talks on the phone: change the wording, do not repeat the line as given.',
    'Keep every number, amount, date, name and code exactly as given. Add no new facts, names or numbers.',
    move.end ? 'This line ends the call.' : 'The call goes on after this line: do not say goodbye.',
    options.format === 'json_schema'
      ? 'Answer with JSON only: {"line": "..."}'
      : 'Answer with one line that starts with LINE: and then what you say.',
  ].join('\n');
  const other = move.role === 'agent' ? 'Caller' : 'Agent';
  const recent: ChatMessage[] = request.history
    .filter((m) => m.role !== 'system')
    .slice(-options.historyMessages);
  const transcript = recent.map((m) => `${m.role === 'assistant' ? 'You' : other}: ${m.content}`).join('\n');
  const final = [
    transcript ? `The call so far:\n${transcript}\n` : '',
    ask(move.line),
    options.problem?.startsWith('copied')
      ? '(Your previous answer repeated the line nearly word for word. Say it differently, in your own words.)'
      : options.problem
        ? `(Your previous answer could not be used: ${options.problem}. Keep to the line.)`
        : '',
  ]
    .filter(Boolean)
    .join('\n');
  return [
    { role: 'system', content: rules },
    ...EXAMPLES.flatMap((e) => [
      { role: 'user' as const, content: ask(e.line) },
      { role: 'assistant' as const, content: answer(e.worded, options.format) },
    ]),
    { role: 'user', content: final },
  ];
}
