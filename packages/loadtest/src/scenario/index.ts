// Public surface of the scenario module: the LoadTestScenario schema and file reader, the seeded random numbers,
// think-time and token samplers, and the question generator.
export * from './random.js';
export * from './think-time.js';
export * from './questions.js';
export { ScenarioError, formatPath, formatScenarioIssue } from './scenario-error.js';
export type { IssuePath, ScenarioIssue } from './scenario-error.js';
export { DURATION_FORMS, durationToSeconds } from './scenario-fields.js';
export { LOAD_MODES } from './load-schema.js';
export type { LoadMode } from './load-schema.js';
export { METRIC_CAPTURES } from './operations-schema.js';
export {
  BOOTSTRAP_APIS,
  SCENARIO_API_VERSION,
  SCENARIO_KIND,
  loadTestScenarioSchema,
  newTestRunId,
  parseScenario,
  validateScenario,
} from './scenario-schema.js';
export type {
  LoadTestScenario,
  LoadTestScenarioInput,
  ScenarioLimits,
  ScenarioLoad,
  ScenarioPricing,
  ScenarioSpec,
  ScenarioTargets,
  ScenarioTestType,
  ScenarioUserBehavior,
  ScenarioValidation,
} from './scenario-schema.js';
export type { RawScenarioIssue } from './scenario-issues.js';
export {
  CONFIGMAP_SCENARIO_KEY,
  applyOverrides,
  loadScenarioFile,
  parseScenarioText,
  readScenarioText,
} from './load-scenario.js';
export type { ScenarioDocument, ScenarioOverrides } from './load-scenario.js';
export { inertFields } from './inert-fields.js';
