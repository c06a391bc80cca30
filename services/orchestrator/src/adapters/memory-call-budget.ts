import { type BudgetDecision, type CallBudget, utcDay } from '../domain/ports.js';

/**
 * The daily budget in process memory, for the embedded runner and tests. Several orchestrators given the same
 * instance share one count, as replicas share the Kafka topic. Lost on restart: use the Kafka adapter for that.
 */
export class MemoryCallBudget implements CallBudget {
  private readonly days = new Map<string, Map<string, number>>();

  constructor(private readonly maxDailyCalls: number) {}

  async claim(callId: string, at: Date): Promise<BudgetDecision> {
    const day = utcDay(at);
    let claims = this.days.get(day);
    if (!claims) {
      claims = new Map();
      // Only today matters; older days would only grow the map.
      this.days.clear();
      this.days.set(day, claims);
    }
    let rank = claims.get(callId);
    if (rank === undefined) {
      rank = claims.size;
      claims.set(callId, rank);
    }
    return { granted: rank < this.maxDailyCalls, rank, day };
  }

  async close(): Promise<void> {}
}
