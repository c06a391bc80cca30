// A second Segment publisher on a run's bus (a forced redelivery in cli's kafka-loop test).
export { AnalyticsNodeSegment } from '../adapters/segment-analytics-node.js';
export { SegmentPublisher } from '../segment-publisher.js';
export * from './call-events.js';
export * from './segment-receiver.js';
