// `npm test`: the one command a newcomer runs. Checks formatting, provisions
// real servers, lints and type-checks every project, then runs every Jest
// suite against those servers, and ends with a one-line summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { settingsToEnv, up, down } from '@shop/infra';

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
    process.stderr.write(`\n=== FAILED: ${title} (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numRuntimeErrorTestSuites: number;
}

async function main(): Promise<void> {
  const nxEnv = {
    ...process.env,
    NX_DAEMON: ci ? 'false' : (process.env['NX_DAEMON'] ?? 'true'),
    NX_TUI: 'false',
  };
  step('format (prettier --check)', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

  process.stderr.write('\n=== servers (tools/infra)\n');
  const { settings } = await up();
  const testEnv = { ...nxEnv, ...settingsToEnv(settings) };

  step(
    'lint and type-check every project',
    bin('nx'),
    ['run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static'],
    nxEnv,
  );

  const report = join(root, 'tmp', 'jest-results.json');
  mkdirSync(join(root, 'tmp'), { recursive: true });
  process.stderr.write('\n=== tests (Jest, every project, real servers)\n');
  const jest = spawnSync(
    bin('jest'),
    ['-c', 'jest.config.cjs', '--verbose', '--maxWorkers=2', '--json', `--outputFile=${report}`],
    { cwd: root, env: testEnv, stdio: 'inherit' },
  );
  const summary = JSON.parse(readFileSync(report, 'utf8')) as JestSummary;
  const skipped = summary.numPendingTests + summary.numTodoTests;

  if (ci) await down();
  // The closing line CI reads: passed, failed and skipped counts.
  process.stdout.write(
    `\nTests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped\n`,
  );
  if (jest.status !== 0 || summary.numRuntimeErrorTestSuites > 0) process.exit(jest.status || 1);
  if (summary.numTotalTests === 0) {
    process.stderr.write('No test ran: that is a failure.\n');
    process.exit(1);
  }
  if (skipped > 0) {
    process.stderr.write('Skipped or todo tests count as failures here: every test must run.\n');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  const hint = (error as { hint?: string }).hint;
  if (hint) process.stderr.write(`how to fix: ${hint}\n`);
  process.exit(1);
});
