import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemDetailsFilter } from '@shop/http';
import { connectMessaging } from '@shop/messaging';
import { CatalogModule } from './catalog.module';
import { type CatalogConfig } from './config/catalog-config';
import { catalogProblemMapper } from './interface/http/catalog-problem.mapper';

/**
 * Builds the catalog service as a hybrid app: HTTP and the messaging transport
 * (bootstrapService starts both; tests call `startAllMicroservices()` too).
 */
export async function createCatalogApp(config: CatalogConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(CatalogModule.forConfig(config), {
    abortOnError: false,
    // Held until pino takes over, so even start-up lines are JSON.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter(), catalogProblemMapper));
  app.enableShutdownHooks();
  connectMessaging(app);
  const document = SwaggerModule.createDocument(app, catalogOpenApiInfo());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function catalogOpenApiInfo(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('catalog service')
    .setDescription(
      'Products, categories and stock of the shop. Prices are integer minor units with an ISO 4217 currency. Errors are application/problem+json.',
    )
    .setVersion('1.0.0')
    .addBearerAuth()
    .build();
}
