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
  buildOverlayYaml,
  CrdSchemas,
  type Manifest,
  ManifestError,
  OVERLAYS,
  parseManifests,
  validateManifest,
  validateManifests,
} from './k8s/manifests.js';
export {
  checkStrictFields,
  K8S_STRICT_CHECK_BIN,
  StrictFieldsError,
  type StrictFieldsResult,
} from './k8s/strict-fields.js';
export { isExported, KAFKA_EXPORTER_METRICS, metricNames } from './monitoring/promql.js';
