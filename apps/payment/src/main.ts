import './instrumentation';
import 'reflect-metadata';
import { InvalidConfigurationError, loadPaymentConfig } from './config/payment-config';
import { createPaymentApp } from './payment-app';

async function bootstrap(): Promise<void> {
  const config = loadPaymentConfig();
  const app = await createPaymentApp(config);
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
  process.stderr.write(`payment service failed to start: ${text}\n`);
  process.exit(1);
});
