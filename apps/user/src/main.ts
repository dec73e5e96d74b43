import './instrumentation';
import 'reflect-metadata';
import { InvalidConfigurationError, loadUserConfig } from './config/user-config';
import { createUserApp } from './user-app';

async function bootstrap(): Promise<void> {
  const config = loadUserConfig();
  const app = await createUserApp(config);
  await app.listen(config.PORT);
}

bootstrap().catch((error: unknown) => {
  // A configuration error says all in its message; anything else needs its stack.
  const text =
    error instanceof InvalidConfigurationError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`user service failed to start: ${text}\n`);
  process.exit(1);
});
