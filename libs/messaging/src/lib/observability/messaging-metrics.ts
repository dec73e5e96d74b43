import { Counter, type Registry } from 'prom-client';
import { type DeadLetterReason } from '@shop/contracts';
import { type MessageOutcome } from '../consumer/message-outcome';

/** What a consumer counts: messages settled by outcome, and the ones parked on a DLQ by reason. */
export class ConsumerMetrics {
  private readonly consumed: Counter<'topic' | 'outcome'>;
  private readonly deadLettered: Counter<'topic' | 'reason'>;

  constructor(registry: Registry) {
    this.consumed = new Counter({
      name: 'messages_consumed_total',
      help: 'Messages settled by this service, by logical topic and outcome (processed, duplicate, ignored, dead-lettered)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'dead_letter_messages_total',
      help: 'Messages this service parked on a dead-letter topic, by logical topic and reason',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    });
  }

  settled(topic: string, outcome: MessageOutcome): void {
    this.consumed.inc({ topic, outcome });
  }

  deadLetteredOne(topic: string, reason: DeadLetterReason): void {
    this.deadLettered.inc({ topic, reason });
  }
}
