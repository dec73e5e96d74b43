import 'reflect-metadata';
import { InvalidConfigurationError, loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './gateway-app';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
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
  process.stderr.write(`gateway failed to start: ${text}\n`);
  process.exit(1);
});
