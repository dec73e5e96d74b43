import { runDlqCommand } from './dlq.command';

// runDlqCommand reports every failure itself and resolves to the exit code.
void runDlqCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
