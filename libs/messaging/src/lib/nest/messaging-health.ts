import { Injectable } from '@nestjs/common';
import { type ConsumerState, MessagingTransport } from './messaging.transport';

/**
 * Kafka's part of a service's readiness, in two checks:
 * `HealthModule.forChecks({ ..., kafka: () => health.check(), consumer: () => health.consumer() })`.
 */
@Injectable()
export class MessagingHealth {
  constructor(private readonly transport: MessagingTransport) {}

  /** The brokers answer and the consumer has not given up; throws what is wrong. */
  check(): Promise<void> {
    return this.transport.checkKafka();
  }

  /**
   * The consumer's state, reported beside the checks: `joining` does not make
   * the service unready, since HTTP does not depend on it (a replica restarted
   * after a crash waits for its group until the dead member's session ends).
   */
  async consumer(): Promise<{ state: ConsumerState }> {
    return { state: this.transport.consumerState() };
  }
}
