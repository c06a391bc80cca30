export { ShutdownError, type ShutdownErrorCode } from './errors.js';
export {
  type ShutdownLogger,
  ShutdownManager,
  type ShutdownManagerOptions,
  type SignalHandlerOptions,
  type SignalSource,
  type StepOptions,
  type StepResult,
} from './shutdown-manager.js';
