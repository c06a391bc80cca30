export { type ExitResult, ServiceProcess, type ServiceProcessOptions } from './service-process.js';
