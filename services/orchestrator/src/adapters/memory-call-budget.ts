import { BudgetLedger } from '../domain/budget-ledger.js';
import { type BudgetDecision, type CallBudget, utcDay } from '../domain/ports.js';

/**
 * The daily budget in process memory, for the embedded runner and tests. Several orchestrators given the same
 * instance share one count, as replicas share the Kafka topic. Lost on restart: use the Kafka adapter for that.
 */
export class MemoryCallBudget implements CallBudget {
  private readonly ledger: BudgetLedger;

  constructor(maxDailyCalls: number) {
    this.ledger = new BudgetLedger(maxDailyCalls);
  }

  async claim(callId: string, at: Date): Promise<BudgetDecision> {
    return this.ledger.record(callId, utcDay(at));
  }

  async close(): Promise<void> {}
}
