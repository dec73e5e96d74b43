import { InfraError } from './infra-error';
import { settingsToEnv } from './infra-settings';
import { currentSettings, down, status, up } from './provisioner';

const usage = `usage: infra <up|down|status|env>
  up      start PostgreSQL, Kafka, a MongoDB-wire server and Redis (or use those named in the environment)
  down    stop what \`up\` started in this checkout
  status  show each server and where it runs
  env     print connection settings as KEY=value lines (eval "$(npm run -s infra:env)")`;

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const started = Date.now();
      await up();
      process.stderr.write(
        `[infra] all servers ready in ${((Date.now() - started) / 1000).toFixed(1)}s; ` +
          'connection settings: npm run -s infra:env\n',
      );
      return;
    }
    case 'down':
      return down();
    case 'status':
      process.stdout.write(`${(await status()).join('\n')}\n`);
      return;
    case 'env': {
      const env = settingsToEnv(await currentSettings());
      process.stdout.write(
        Object.entries(env)
          .map(([key, value]) => `${key}=${value}`)
          .join('\n') + '\n',
      );
      return;
    }
    default:
      process.stderr.write(`${usage}\n`);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  if (error instanceof InfraError) {
    process.stderr.write(`[infra] error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`[infra] how to fix: ${error.hint}\n`);
  } else {
    process.stderr.write(
      `[infra] unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exitCode = 1;
});
