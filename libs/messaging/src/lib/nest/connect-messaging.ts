import { type INestApplication, type INestMicroservice } from '@nestjs/common';
import { type MicroserviceOptions } from '@nestjs/microservices';
import { MessagingTransport } from './messaging.transport';

/**
 * Makes the app hybrid: HTTP plus the messaging transport of its
 * MessagingModule. The app's global pipes and filters stay HTTP's (they
 * are not inherited); start it with `app.startAllMicroservices()` after
 * `app.init()` (bootstrapService does).
 */
export function connectMessaging(app: INestApplication): INestMicroservice {
  return app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(MessagingTransport) });
}
