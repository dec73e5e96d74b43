import { type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { type TopicNames } from '../kafka/topic-names';
import { DeadLetterHeaders, type DeadLetterReason } from '@shop/contracts';

export interface DeadLetter {
  /** The logical topic the message came from. */
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: DeadLetterReason;
  error: string;
  attempts: number;
  consumerGroup: string;
}

/**
 * Parks a message on `<topic>.dlq`, byte for byte (key, value, headers), with
 * why and where it failed. Throws if the broker does not take it: the caller
 * must then not commit the offset, so the message is never lost.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topics: TopicNames,
  ) {}

  async publish(letter: DeadLetter): Promise<void> {
    const headers: IHeaders = {
      ...letter.message.headers,
      [DeadLetterHeaders.reason]: letter.reason,
      [DeadLetterHeaders.error]: letter.error.slice(0, 4_000),
      [DeadLetterHeaders.originalTopic]: letter.topic,
      [DeadLetterHeaders.originalPartition]: String(letter.partition),
      [DeadLetterHeaders.originalOffset]: letter.message.offset,
      [DeadLetterHeaders.consumerGroup]: letter.consumerGroup,
      [DeadLetterHeaders.attempts]: String(letter.attempts),
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    };
    await this.producer.send({
      topic: this.topics.deadLetterOf(letter.topic),
      acks: -1,
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
  }
}
