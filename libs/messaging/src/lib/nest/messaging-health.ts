import { Injectable } from '@nestjs/common';
import { MessagingLifecycle } from './messaging-lifecycle';

/** Kafka's part of a service's readiness: `HealthModule.forChecks({ ..., kafka: () => health.check() })`. */
@Injectable()
export class MessagingHealth {
  constructor(private readonly lifecycle: MessagingLifecycle) {}

  check(): Promise<void> {
    return this.lifecycle.checkKafka();
  }
}
