import type { BudgetDecision } from './ports.js';

/**
 * The daily budget as every replica derives it from the same ordered claims (the call-budget topic, or one process's
 * calls in memory). It counts distinct calls: a call's rank is the number of other calls first claimed before it
 * that day, so a call claimed again (a request redelivered after a crash, two replicas racing on one request) keeps
 * its first rank and takes no second slot. Replicas that read the same claims in the same order agree on every rank.
 */
export class BudgetLedger {
  private day?: string;
  private readonly ranks = new Map<string, number>();

  constructor(private readonly maxDailyCalls: number) {}

  /**
   * Records the next claim in order and answers with the call's decision. Days only move forward: a claim stamped
   * with an earlier day than one already seen (a clock stepping back) counts against the later day.
   */
  record(callId: string, day: string): BudgetDecision {
    if (this.day === undefined || day > this.day) {
      this.day = day;
      // Only the current day matters; older days would only grow the map.
      this.ranks.clear();
    }
    let rank = this.ranks.get(callId);
    if (rank === undefined) {
      rank = this.ranks.size;
      this.ranks.set(callId, rank);
    }
    return this.decision(rank, this.day);
  }

  /** The decision of a call already claimed on `day`, or undefined when it was not (or `day` is not current). */
  decisionFor(callId: string, day: string): BudgetDecision | undefined {
    const rank = day === this.day ? this.ranks.get(callId) : undefined;
    return rank === undefined ? undefined : this.decision(rank, day);
  }

  private decision(rank: number, day: string): BudgetDecision {
    return { granted: rank < this.maxDailyCalls, rank, day };
  }
}
