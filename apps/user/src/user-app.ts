import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemDetailsFilter, trustProxySetting } from '@shop/http';
import { connectMessaging } from '@shop/messaging';
import { type UserConfig } from './config/user-config';
import { userProblemMapper } from './interface/http/user-problem.mapper';
import { UserModule } from './user.module';

/**
 * Builds the user service as a hybrid app: HTTP and the messaging transport
 * (bootstrapService starts both; tests call `startAllMicroservices()` too).
 */
export async function createUserApp(config: UserConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(UserModule.forConfig(config), {
    abortOnError: false,
    // Held until pino takes over, so even start-up lines are JSON.
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.getHttpAdapter(), userProblemMapper));
  app.enableShutdownHooks();
  connectMessaging(app);
  const document = SwaggerModule.createDocument(app, userOpenApiInfo());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function userOpenApiInfo(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('user service')
    .setDescription(
      'Accounts, sessions and the JWKS of the shop. Errors are application/problem+json.',
    )
    .setVersion('1.0.0')
    .addBearerAuth()
    .build();
}
