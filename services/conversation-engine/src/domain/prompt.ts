import { COMPETENCE_LABELS, fillPlaceholders } from '@synthcall/personas';
import type { CallContext, Role } from './types.js';

/** How a model marks the line that ends the call; the provider strips it before the line is spoken. */
export const END_TAG = /\s*\[END:(resolved|escalated|customer_abandoned)\]\s*$/;

export function companyOf(context: CallContext): string {
  return fillPlaceholders('{company}', context.customer.company ? { company: context.customer.company } : {});
}

export function agentIntroduction(context: CallContext): string {
  return fillPlaceholders(context.agent.scriptedIntroduction, { company: companyOf(context) });
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
    'When your line ends the call, finish it with [END:resolved], [END:escalated] or [END:customer_abandoned].',
  ];
  if (role === 'agent') lines.push(`Expected outcome for this pairing: ${context.expectedOutcome}.`);
  return lines;
}

/** The one `system` message of a role's history: its persona and the plan. Every persona field reaches it. */
export function systemPrompt(context: CallContext, role: Role): string {
  return role === 'agent' ? agentPrompt(context) : customerPrompt(context);
}
