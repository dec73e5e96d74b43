import './instrumentation';
import 'reflect-metadata';
import { InvalidConfigurationError, loadOrderConfig } from './config/order-config';
import { createOrderApp } from './order-app';

async function bootstrap(): Promise<void> {
  const config = loadOrderConfig();
  const app = await createOrderApp(config);
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
  process.stderr.write(`order service failed to start: ${text}\n`);
  process.exit(1);
});
