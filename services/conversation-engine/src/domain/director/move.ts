import type { NaturalEnd } from '../llm-provider.js';
import type { Role } from '../types.js';

/**
 * What a role does with its next line, as the director decides it. The kinds name the call's structure (greeting,
 * verification, disclosure, troubleshooting steps, the proposal, the farewell) so a reader of the ground truth sees
 * which move each spoken line realized.
 */
export type MoveKind =
  // agent
  | 'greet'
  | 'reprompt'
  | 'deescalate'
  | 'verify'
  | 'reverify'
  | 'confirm_identity'
  | 'hold'
  | 'step'
  | 'propose_fix'
  | 'propose_again'
  | 'state_limit'
  | 'offer_case'
  | 'anything_else'
  | 'farewell'
  | 'transfer'
  // customer
  | 'state_issue'
  | 'ask_repeat'
  | 'accept_transfer'
  | 'give_identity'
  | 'accept_hold'
  | 'accept_fix'
  | 'ask_supervisor'
  | 'accept_limit'
  | 'abandon'
  | 'nothing_else'
  | 'answer'
  // either role: an acknowledgement ("mm-hm") while the other side says its line in parts
  | 'backchannel'
  // either role: said over the other side's line, which stops it (turn-taking.ts); the other side then resumes
  | 'interject'
  // a silence: the caller goes to find what was asked ('stall'), the agent waits and asks whether the caller is still
  // there ('still_there'; hold.ts)
  | 'stall'
  | 'still_there'
  // either role: a misheard figure or id read back ("sorry, was that 4-8-2-1-3?"), and its correction (also the
  // caller querying a figure the agent misstated, and the agent owning up to it; deviation.ts)
  | 'read_back'
  | 'correct'
  // the caller, asked to verify, answers something else ('off_question') or declines ('refusal'); the agent asks
  // again ('ask_again') or offers another way ('other_route'; deviation.ts)
  | 'off_question'
  | 'refusal'
  | 'ask_again'
  | 'other_route';

export interface PlannedPii {
  type: string;
  value: string;
}

/** The director's next move for one role: what to say (in its own wording), the mood, and whether it ends the call. */
export interface Move {
  role: Role;
  turn: number;
  kind: MoveKind;
  /**
   * The director's own wording of the move. It carries every fact the move needs (figures, ids, names); the scripted
   * realizer speaks it as it is, a model rewords it.
   */
  line: string;
  /** Seconds of silence before this line (a hold, or a wait for a quiet caller; hold.ts): said when it ends. */
  pauseSec?: number;
  /**
   * Seconds into the other side's next line at which this role cuts in (ReplyReady.cutInAfterSec); absent when it
   * lets the other side finish.
   */
  cutInAfterSec?: number;
  /** Set when this line ends the call: the director alone decides ends. */
  end?: NaturalEnd;
  /** The customer's demeanor for this line; null for the agent. */
  mood: string | null;
  /** People other than the caller the line may name (the agent, relatives, colleagues, a supervisor). */
  names: string[];
  /** Personal data the move discloses, as planned (located in the spoken words afterwards, never assumed). */
  plannedPii: PlannedPii[];
}
