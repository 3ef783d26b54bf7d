import type { LoadTestScenario } from './scenario-schema.js';

/**
 * The fields a scenario sets that llmops accepts and validates but does not act on (most are doc-only in the
 * original too), as paths — so `validate` and `run` can say so instead of ignoring them silently.
 */
export function inertFields(s: LoadTestScenario): string[] {
  const spec = s.spec;
  const out: string[] = [];
  const note = (cond: unknown, path: string): void => {
    if (cond !== undefined && cond !== false && cond !== null) out.push(path);
  };
  note(spec.organizations.namingPattern, 'spec.organizations.namingPattern');
  note(spec.organizations.distribution !== 'even', 'spec.organizations.distribution');
  note(spec.organizations.customMetadata, 'spec.organizations.customMetadata');
  note(spec.users.namingPattern, 'spec.users.namingPattern');
  // As in the original, every organization gets perOrg.min users.
  note(spec.users.perOrg.max > spec.users.perOrg.min, 'spec.users.perOrg.max');
  note(spec.users.perOrg.distribution, 'spec.users.perOrg.distribution');
  note(spec.users.roles, 'spec.users.roles');
  note(spec.users.metadata, 'spec.users.metadata');
  const ub = spec.userBehavior;
  const perSession = ub.questionsPerSession?.distribution;
  note(
    perSession !== undefined && perSession !== 'uniform',
    'spec.userBehavior.questionsPerSession.distribution (always uniform)',
  );
  note(ub.questionStrategies, 'spec.userBehavior.questionStrategies');
  note(ub.modelPreferences, 'spec.userBehavior.modelPreferences');
  // Neither the chat client nor the bootstrap turns verification off; the default (true) is what they do.
  note(!spec.targets.tlsVerify, 'spec.targets.tlsVerify (certificates are always verified)');
  spec.testTypes.forEach((t, i) => {
    // Not fetched from S3/MinIO: long test types get locally synthesized documents instead.
    note(
      t.documentLibrary?.enabled,
      `spec.testTypes[${i}].documentLibrary (documents synthesized, not fetched)`,
    );
  });
  note(spec.scenarioMix, 'spec.scenarioMix');
  const w = spec.workers;
  note(w?.usersPerWorker, 'spec.workers.usersPerWorker');
  note(w?.resources, 'spec.workers.resources');
  note(w?.image, 'spec.workers.image');
  note(w?.env, 'spec.workers.env');
  const m = spec.metrics;
  note(m?.prometheusUrl, 'spec.metrics.prometheusUrl');
  note(m && m.capture.length > 0, 'spec.metrics.capture');
  note(m?.labels, 'spec.metrics.labels');
  const c = spec.cleanup;
  note(c?.retainMetrics === false, 'spec.cleanup.retainMetrics');
  note(c?.exportResultsTo, 'spec.cleanup.exportResultsTo');
  note(c?.retainLogs, 'spec.cleanup.retainLogs');
  note(c?.logExportPath, 'spec.cleanup.logExportPath');
  note(spec.advanced?.chaos, 'spec.advanced.chaos');
  return out;
}
