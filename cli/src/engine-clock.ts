import type { EventBus } from '@synthcall/event-bus';

/**
 * The engine's bus in a simulated call: while the engine handles an event (produces a line), the simulated clock
 * stands still, so a slow provider is waited for in simulated time and no real-time wait decides the call. Without
 * it the legs' Pause + Redirect loop and the listening leg's Gather would run on while the engine works. `hold`
 * returns the release; it gives up on its own after its real-time bound, so a hung engine cannot freeze the sim.
 */
export function holdClockWhileHandling(bus: EventBus, hold: () => () => void): EventBus {
  return {
    publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
    subscribe: (options) =>
      bus.subscribe({
        ...options,
        handler: async (event) => {
          const release = hold();
          try {
            await options.handler(event);
          } finally {
            release();
          }
        },
      }),
    close: () => bus.close(),
  };
}
