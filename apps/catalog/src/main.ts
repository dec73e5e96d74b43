import './instrumentation';
import 'reflect-metadata';
import { createCatalogApp } from './catalog-app';
import { InvalidConfigurationError, loadCatalogConfig } from './config/catalog-config';

async function bootstrap(): Promise<void> {
  const config = loadCatalogConfig();
  const app = await createCatalogApp(config);
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
  process.stderr.write(`catalog service failed to start: ${text}\n`);
  process.exit(1);
});
