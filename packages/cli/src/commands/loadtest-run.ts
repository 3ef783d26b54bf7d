import { defineConfig, opt } from '@llmops/core';
import {
  inertFields,
  loadScenarioFile,
  loadtestRunConfig,
  mergeRunFiles,
  runLoadTest,
  scenarioUsers,
  summaryTable,
  writeHtmlReport,
  writeJsonOutput,
} from '@llmops/loadtest';
import { defineCommand } from '../command.js';

/** `llmops loadtest run [scenario.yaml]`: scenario harness and rate modes. */
export const loadtestRunCommand = defineCommand({
  path: ['loadtest', 'run'],
  summary:
    'Run a LoadTestScenario (or flags alone): bootstrap tenants, simulate users or offer a rate, report.',
  description:
    'Runs a LoadTestScenario file (plain or a ConfigMap manifest) or an ad-hoc test from flags. Modes: users ' +
    '(think time, sessions, multi-turn), concurrency (closed loop), constant and poisson (open loop; late requests ' +
    'are counted and their queueing delay reported), sweep (rate steps; reports the highest rate meeting the SLO). ' +
    'Flags override the scenario. Exit 0 ok, 1 error rate above the limit or aborted, 2 nothing succeeded.',
  args: [{ name: 'scenario', description: 'LoadTestScenario YAML/JSON file (or set CONFIG_PATH)' }],
  config: loadtestRunConfig,
  async run(config, ctx) {
    const outcome = await runLoadTest(config, ctx.args[0], {
      out: ctx.out,
      err: ctx.err,
      isTTY: ctx.isTTY,
      signal: ctx.signal,
      ...(ctx.isTTY ? { terminal: process.stderr } : {}),
    });
    return outcome.exitCode;
  },
});

const mergeConfig = defineConfig({
  json: opt.string({
    env: 'LOADTEST_JSON',
    description: 'Write the merged result as JSON to this file (`-` = stdout).',
  }),
  html: opt.string({ env: 'LOADTEST_HTML', description: 'Write the merged HTML report to this file.' }),
});

/** `llmops loadtest merge a.json b.json …`: one report from the workers of a distributed run. */
export const loadtestMergeCommand = defineCommand({
  path: ['loadtest', 'merge'],
  summary: "Merge distributed workers' result files (--json of each) into one report.",
  description:
    'Combines the histograms and counters of every worker exactly: the merged report equals the report of one ' +
    'process that had recorded all the requests.',
  args: [{ name: 'files', description: 'worker result files', required: true, variadic: true }],
  config: mergeConfig,
  async run(config, ctx) {
    const result = await mergeRunFiles(ctx.args);
    // With the JSON on standard output, the summary goes to standard error so the JSON can be piped.
    const print = config.json === '-' ? ctx.err : ctx.out;
    for (const line of summaryTable(result)) print(line);
    if (config.json) await writeJsonOutput(config.json, result, ctx.out);
    if (config.html) ctx.err(`HTML report: ${await writeHtmlReport(config.html, result)}`);
    return 0;
  },
});

/** `llmops loadtest validate a.yaml …`: check scenario files without running them. */
export const loadtestValidateCommand = defineCommand({
  path: ['loadtest', 'validate'],
  summary: 'Check LoadTestScenario files and print every problem with its path.',
  args: [{ name: 'files', description: 'scenario files', required: true, variadic: true }],
  config: defineConfig({}),
  async run(_config, ctx) {
    let bad = 0;
    for (const f of ctx.args) {
      try {
        const s = await loadScenarioFile(f);
        ctx.out(`${f}: ok (${s.metadata.name}: ${scenarioUsers(s)} users, mode ${s.spec.load.mode})`);
        const inert = inertFields(s);
        if (inert.length > 0) ctx.out(`  accepted but not acted on: ${inert.join(', ')}`);
      } catch (err) {
        bad++;
        ctx.err(err instanceof Error ? err.message : String(err));
      }
    }
    return bad > 0 ? 1 : 0;
  },
});
