import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemDetailsFilter } from '@shop/http';
import { connectMessaging } from '@shop/messaging';
import { type PaymentConfig } from './config/payment-config';
import { paymentProblemMapper } from './interface/http/payment-problem.mapper';
import { PaymentModule } from './payment.module';

/**
 * Builds the payment service as a hybrid app: HTTP and the messaging transport
 * (bootstrapService starts both; tests call `startAllMicroservices()` too).
 */
export async function createPaymentApp(config: PaymentConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PaymentModule.forConfig(config), {
    abortOnError: false,
    // Held until pino takes over, so even start-up lines are JSON.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter(), paymentProblemMapper));
  app.enableShutdownHooks();
  connectMessaging(app);
  const document = SwaggerModule.createDocument(app, paymentOpenApiInfo());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function paymentOpenApiInfo(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('payment service')
    .setDescription(
      'Payments of orders (authorizations, captures, voids, refunds), readable by their customer or an admin. ' +
        'Commands arrive over Kafka (payment.commands); errors are application/problem+json.',
    )
    .setVersion('1.0.0')
    .addBearerAuth()
    .build();
}
