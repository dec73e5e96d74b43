// `npm test`: the one command a newcomer runs. Checks formatting, provisions
// real servers, lints and type-checks every project, then runs every Jest
// suite against those servers, and ends with a one-line summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeTestRequirement } from '@shop/compose';
import { down, settingsToEnv, up } from '@shop/infra';
import { DECLARED_SKIP_MARKER } from '@shop/testing';

const root = resolve(__dirname, '../..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const ci = process.env['CI'] === 'true';

function step(
  title: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  process.stderr.write(`\n=== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `${title} failed (exit ${result.status ?? result.signal}): see its output above`,
    );
  }
}

interface JestSummary {
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numRuntimeErrorTestSuites: number;
}

/** Jest projects (display names) whose suites start the whole system as processes. */
const SYSTEM_PROJECTS = ['e2e', 'demo', 'gateway', 'fork'];

const sum = (summaries: JestSummary[], field: Exclude<keyof JestSummary, 'testResults'>): number =>
  summaries.reduce((total, part) => total + part[field], 0);

/** The counts of the summary CI reads; printed last, after the servers are stopped. */
let totals: { passed: number; failed: number; skipped: number } | undefined;

async function lintAndTest(serverEnv: Record<string, string>): Promise<number> {
  const nxEnv = {
    ...process.env,
    NX_DAEMON: ci ? 'false' : (process.env['NX_DAEMON'] ?? 'true'),
    NX_TUI: 'false',
  };
  const testEnv = { ...nxEnv, ...serverEnv };
  step(
    'lint and type-check every project',
    bin('nx'),
    ['run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static'],
    nxEnv,
  );

  mkdirSync(join(root, 'tmp'), { recursive: true });
  // Two passes: the suites that start the whole system (five processes each) run one at a
  // time, after the others ran two at a time; on two cores, two whole systems at once
  // starve each other's sagas into timeouts.
  const passes = [
    {
      title: 'every other project, two suites at a time',
      args: ['--maxWorkers=2', '--ignoreProjects', ...SYSTEM_PROJECTS],
    },
    {
      title: 'whole-system suites, one at a time',
      args: ['--runInBand', '--selectProjects', ...SYSTEM_PROJECTS],
    },
  ];
  const summaries: JestSummary[] = [];
  let failedPass = 0;
  for (const [index, pass] of passes.entries()) {
    const report = join(root, 'tmp', `jest-results-${index + 1}.json`);
    // A report left by an earlier run must never stand in for this one.
    rmSync(report, { force: true });
    process.stderr.write(`\n=== tests (Jest, real servers): ${pass.title}\n`);
    const jest = spawnSync(
      bin('jest'),
      ['-c', 'jest.config.cjs', '--verbose', '--json', `--outputFile=${report}`, ...pass.args],
      { cwd: root, env: testEnv, stdio: 'inherit' },
    );
    if (!existsSync(report)) {
      process.stderr.write(
        `Jest ended (exit ${jest.status ?? jest.signal}) without writing ${report}.\n`,
      );
      return 1;
    }
    const passSummary = JSON.parse(readFileSync(report, 'utf8')) as JestSummary;
    summaries.push(passSummary);
    if (jest.status !== 0 || passSummary.numRuntimeErrorTestSuites > 0)
      failedPass = jest.status || 1;
  }
  const summary: JestSummary = {
    testResults: summaries.flatMap((part) => part.testResults),
    numPassedTests: sum(summaries, 'numPassedTests'),
    numFailedTests: sum(summaries, 'numFailedTests'),
    numPendingTests: sum(summaries, 'numPendingTests'),
    numTodoTests: sum(summaries, 'numTodoTests'),
    numTotalTests: sum(summaries, 'numTotalTests'),
    numRuntimeErrorTestSuites: sum(summaries, 'numRuntimeErrorTestSuites'),
  };
  const skipped = summary.numPendingTests + summary.numTodoTests;
  totals = { passed: summary.numPassedTests, failed: summary.numFailedTests, skipped };
  if (failedPass !== 0) return failedPass;
  if (summary.numTotalTests === 0) {
    process.stderr.write('No test ran: that is a failure.\n');
    return 1;
  }
  // A skip is accepted only when it names the capability the servers lack (itWhen in @shop/testing).
  const skips = summary.testResults
    .flatMap((suite) => suite.assertionResults)
    .filter(({ status }) => status === 'pending' || status === 'todo' || status === 'skipped');
  const undeclared = skips.filter(({ fullName }) => !fullName.includes(DECLARED_SKIP_MARKER));
  for (const { fullName } of skips) {
    const declared = !undeclared.some((skip) => skip.fullName === fullName);
    process.stderr.write(`${declared ? 'declared skip' : 'UNDECLARED SKIP'}: ${fullName}\n`);
  }
  if (undeclared.length > 0 || skipped !== skips.length) {
    process.stderr.write(
      'Skipped or todo tests count as failures here unless they state the missing capability (itWhen).\n',
    );
    return 1;
  }
  return 0;
}

/**
 * docker-compose.yml built and run, proven through the gateway (`npm run
 * compose:test`), counted as one test. Where no engine answers and we are not
 * root, a declared skip naming what is missing, as itWhen words it.
 */
function composeStack(): number {
  const title = 'docker compose stack (npm run compose:test)';
  const requirement = composeTestRequirement();
  if (!requirement.met) {
    process.stderr.write(
      `\ndeclared skip: ${title} ${DECLARED_SKIP_MARKER}${requirement.reason}]\n`,
    );
    if (totals) totals.skipped += 1;
    return 0;
  }
  process.stderr.write(`\n=== ${title}: ${requirement.reason}\n`);
  const result = spawnSync(
    bin('tsx'),
    ['--tsconfig', 'tsconfig.base.json', join('tools', 'compose', 'src', 'compose-test.cli.ts')],
    { cwd: root, stdio: 'inherit' },
  );
  const passed = result.status === 0;
  if (totals) {
    if (passed) totals.passed += 1;
    else totals.failed += 1;
  }
  return passed ? 0 : result.status || 1;
}

async function main(): Promise<number> {
  step('format (prettier --check)', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
  process.stderr.write('\n=== servers (tools/infra)\n');
  try {
    const { settings } = await up();
    const tests = await lintAndTest(settingsToEnv(settings));
    // Beside the native servers: it publishes on ports of its own when theirs are taken.
    const compose = composeStack();
    return tests || compose;
  } finally {
    // CI machines are handed back clean; on a laptop the servers stay up for the next run.
    if (ci) await down();
    if (totals) {
      const { passed, failed, skipped } = totals;
      process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    const hint = (error as { hint?: string }).hint;
    if (hint) process.stderr.write(`how to fix: ${hint}\n`);
    process.exit(1);
  },
);
