export * from './call-events.js';
export * from './segment-receiver.js';
