import 'reflect-metadata';
import { loadUserConfig } from './config/user-config';
import { createUserApp } from './user-app';

async function bootstrap(): Promise<void> {
  const config = loadUserConfig();
  const app = await createUserApp(config);
  await app.listen(config.PORT);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `user service failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
