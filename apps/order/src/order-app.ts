import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemDetailsFilter } from '@shop/http';
import { connectMessaging } from '@shop/messaging';
import { type OrderConfig } from './config/order-config';
import { orderProblemMapper } from './interface/http/order-problem.mapper';
import { OrderModule } from './order.module';

/**
 * Builds the order service as a hybrid app: HTTP and the messaging transport
 * (bootstrapService starts both; tests call `startAllMicroservices()` too).
 */
export async function createOrderApp(config: OrderConfig): Promise<INestApplication> {
  const app = await NestFactory.create(OrderModule.forConfig(config), {
    abortOnError: false,
    // Held until pino takes over, so even start-up lines are JSON.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter(), orderProblemMapper));
  app.enableShutdownHooks();
  connectMessaging(app);
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, orderOpenApiInfo()), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}

function orderOpenApiInfo(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('order service')
    .setDescription(
      'Orders and the CreateOrder saga behind them. POST /orders answers 202 at once; the saga reserves stock, authorizes the payment, approves the order, then captures and commits. Errors are application/problem+json.',
    )
    .setVersion('1.0.0')
    .addBearerAuth()
    .build();
}
