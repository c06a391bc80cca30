export { DASHBOARD_FILE, dashboard, ROWS, renderDashboard } from './generate/dashboard.js';
export { KAFKA_CLUSTER, KAFKA_TOPICS_FILE, kafkaTopic, renderKafkaTopics } from './generate/kafka-topics.js';
export {
  AssembleError,
  assembleRuntime,
  buildClosure,
  type ImageName,
  runtimeClosure,
  runtimeFiles,
  SERVICES,
  type ServiceName,
  TOOL_IMAGES,
  workspacePackages,
} from './image/assemble.js';
export {
  buildOverlay,
  CrdSchemas,
  type Manifest,
  ManifestError,
  OVERLAYS,
  validateManifest,
} from './k8s/manifests.js';
export { isExported, KAFKA_EXPORTER_METRICS, metricNames } from './monitoring/promql.js';
