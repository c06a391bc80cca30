export { OpsServerError, type OpsServerErrorCode } from './errors.js';
export {
  createOpsServer,
  type OpsLogger,
  type OpsServer,
  type OpsServerOptions,
  type ReadinessCheck,
  SHUTDOWN_CHECK,
  waitForSuccessor,
} from './ops-server.js';
export {
  type BaseServiceConfig,
  type RunServiceOptions,
  readPackageVersion,
  runService,
  type ServiceApp,
  type ServiceContext,
  type ShutdownStep,
} from './run-service.js';
export { type StartFailureContext, startFailureLine } from './start-failure.js';
