import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (the last release) spins: once a connection's request queue has held one pending request (which
 * `maxInFlightRequests: 1`, needed for idempotence, makes routine), `scheduleCheckPendingRequests` re-arms a timer
 * after every check even with nothing pending, and with no throttle its delay is negative, i.e. 1 ms. Every producer
 * and consumer connection then wakes 1,000 times a second for the life of the process (tulios/kafkajs#1704; Node 24
 * warns about the negative delay: #1751, "TimeoutNegativeWarning"). Measured in Kafka mode: ~0.3 of a core across the
 * services of a 2-replica stack before any call (docs/benchmarks.md). Upstream is unreleased (#1755, #1768), so the
 * method is wrapped here: nothing pending and no throttle left means nothing to check later. A request queued later
 * schedules its own check (`push`), and a finished request checks the queue (`fulfillRequest`), as before.
 *
 * Applied once, when this module is first imported (the Kafka bus imports it). A kafkajs without this method is left
 * alone; the integration test that counts an idle client's timers fails then, so an upgrade is noticed.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  scheduleCheckPendingRequests(): void;
}

const PATCHED = Symbol.for('synthcall.kafkajs.requestQueueIdle');

export function stopIdleRequestQueuePolling(): boolean {
  const require = createRequire(import.meta.url);
  let RequestQueueClass: { prototype: RequestQueue & { [PATCHED]?: true } };
  try {
    RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js');
  } catch {
    return false;
  }
  const proto = RequestQueueClass.prototype;
  if (proto[PATCHED]) return true;
  const schedule = proto.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') return false;
  proto.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.pending.length === 0 && !this.throttleCheckTimeoutId && this.throttledUntil <= Date.now())
      return;
    schedule.call(this);
  };
  proto[PATCHED] = true;
  return true;
}

stopIdleRequestQueuePolling();
