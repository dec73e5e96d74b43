import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:net';
import { type Consumer, type Kafka } from 'kafkajs';

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Polls until `accept` holds; fails with the last value seen when it never does. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`,
      );
    }
    await sleep(100);
  }
}

/** Collects every message of one topic (from its beginning) as parsed envelopes. */
export class TopicRecorder {
  readonly messages: {
    key: string;
    value: Record<string, unknown> & { data: Record<string, unknown> };
  }[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.messages.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? '{}'),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** Waits for messages matching `accept`, then returns them all. */
  async waitFor(
    accept: (value: Record<string, unknown> & { data: Record<string, unknown> }) => boolean,
    count = 1,
  ) {
    const found = await eventually(
      () => this.messages.filter(({ value }) => accept(value)),
      (matches) => matches.length >= count,
    );
    return found.map(({ value }) => value);
  }
}
