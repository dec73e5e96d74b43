import {
  AuthorizePaymentFailedV1,
  AuthorizePaymentSucceededV1,
  AuthorizePaymentV1,
  CapturePaymentSucceededV1,
  CommitStockSucceededV1,
  createMessage,
  headersOf,
  type MessageDefinition,
  type MessageEnvelope,
  parseMessage,
  ReleaseStockSucceededV1,
  ReserveStockFailedV1,
  ReserveStockSucceededV1,
  ReserveStockV1,
  Topics,
  VoidPaymentSucceededV1,
} from '@shop/contracts';
import { causedBy } from '@shop/messaging';
import { type TestKafkaNamespace } from '@shop/testing';
import { type Consumer, type Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';

export const OUT_OF_STOCK_PRODUCT = '0190f5a2-7b1c-7d4e-8f00-00000000dead';

export interface ReceivedCommand {
  type: string;
  orderId: string;
}

/**
 * The catalog and payment services, played over real Kafka by the test: they
 * read the saga's commands and answer by script. Like real participants they
 * are idempotent by order id: `effects` counts what each order really did
 * (a re-sent command is answered again but changes nothing).
 *
 * Script: a line with OUT_OF_STOCK_PRODUCT fails the reservation; payment
 * tokens `tok_decline` decline, `tok_timeout` never answer; `holdNextOrder()`
 * (or `holdAll(true)`) keeps commands unanswered until `release(orderId)`.
 */
export class ScriptedParticipants {
  readonly received: ReceivedCommand[] = [];
  private readonly effects = new Map<string, Set<string>>();
  private readonly held = new Map<string, (() => Promise<void>)[]>();
  private readonly holding = new Set<string>();
  private holdingAll = false;
  private holdingNext = false;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;

  constructor(private readonly kafka: TestKafkaNamespace) {}

  async start(): Promise<void> {
    this.producer = this.kafka.client.producer();
    await this.producer.connect();
    this.consumer = this.kafka.client.consumer({
      groupId: this.kafka.groupId('participants'),
      maxWaitTimeInMs: 100,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [this.kafka.topic(Topics.catalogCommands), this.kafka.topic(Topics.paymentCommands)],
      fromBeginning: true,
    });
    // Orders placed before the group is joined would wait out the saga's deadline: join first.
    const joined = new Promise<void>((resolve) => {
      this.consumer?.on(this.consumer.events.GROUP_JOIN, () => resolve());
    });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const { envelope } = parseMessage(message.value);
        const orderId = (envelope.data as { orderId: string }).orderId;
        if (this.holdingNext && !this.received.some((command) => command.orderId === orderId)) {
          this.holdingNext = false;
          this.holding.add(orderId);
        }
        this.received.push({ type: envelope.type, orderId });
        if (this.holdingAll || this.holding.has(orderId)) {
          const queue = this.held.get(orderId) ?? [];
          queue.push(() => this.answer(envelope, orderId));
          this.held.set(orderId, queue);
          return;
        }
        await this.answer(envelope, orderId);
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /**
   * The next order not seen yet is held from its first command on: for an
   * order whose id is known only once placed, by when its first command may
   * have been answered already.
   */
  holdNextOrder(): void {
    this.holdingNext = true;
  }

  /** Every command, of any order, waits until `release` of its order. */
  holdAll(on: boolean): void {
    this.holdingAll = on;
  }

  async release(orderId: string): Promise<void> {
    this.holding.delete(orderId);
    for (const answer of this.held.get(orderId) ?? []) await answer();
    this.held.delete(orderId);
  }

  commandsFor(orderId: string): string[] {
    return this.received.filter((command) => command.orderId === orderId).map(({ type }) => type);
  }

  effectsFor(orderId: string): string[] {
    return [...(this.effects.get(orderId) ?? [])].sort();
  }

  /** Any message on the replies topic, e.g. one for a saga that does not exist. */
  async sendReply<TData>(
    definition: MessageDefinition<string, TData>,
    data: NoInfer<TData>,
  ): Promise<MessageEnvelope> {
    const message = createMessage(definition, data, {
      source: 'test',
      correlationId: (data as { orderId: string }).orderId,
    });
    await this.produce(message.envelope, message.key);
    return message.envelope;
  }

  private async answer(command: MessageEnvelope, orderId: string): Promise<void> {
    const reply = <TData>(definition: MessageDefinition<string, TData>, data: NoInfer<TData>) => {
      const message = createMessage(definition, data, causedBy(command, 'test-participant'));
      return this.produce(message.envelope, message.key);
    };
    switch (command.type) {
      case ReserveStockV1.type: {
        const { items } = command.data as { items: { productId: string; quantity: number }[] };
        const short = items.filter((item) => item.productId === OUT_OF_STOCK_PRODUCT);
        if (short.length > 0) {
          return reply(ReserveStockFailedV1, {
            orderId,
            reason: `product ${OUT_OF_STOCK_PRODUCT} is short`,
            shortages: short.map(({ productId, quantity }) => ({
              productId,
              requested: quantity,
              available: 0,
            })),
          });
        }
        this.record(orderId, 'stock reserved');
        return reply(ReserveStockSucceededV1, { orderId, items });
      }
      case AuthorizePaymentV1.type: {
        const { paymentMethodToken, amount } = command.data as {
          paymentMethodToken: string;
          amount: { amount: number; currency: string };
        };
        if (paymentMethodToken === 'tok_timeout') return;
        if (paymentMethodToken === 'tok_decline') {
          return reply(AuthorizePaymentFailedV1, {
            orderId,
            reason: 'declined',
            message: 'the card was declined',
          });
        }
        this.record(orderId, `payment authorized ${amount.amount} ${amount.currency}`);
        return reply(AuthorizePaymentSucceededV1, {
          orderId,
          paymentId: paymentIdOf(orderId),
          amount,
        });
      }
      case 'payment.VoidPayment.v1':
        this.unrecord(orderId, 'payment authorized');
        return reply(VoidPaymentSucceededV1, { orderId, paymentId: null });
      case 'payment.CapturePayment.v1':
        this.record(orderId, 'payment captured');
        return reply(CapturePaymentSucceededV1, { orderId, paymentId: paymentIdOf(orderId) });
      case 'catalog.ReleaseStock.v1':
        this.unrecord(orderId, 'stock reserved');
        return reply(ReleaseStockSucceededV1, { orderId });
      case 'catalog.CommitStock.v1':
        this.record(orderId, 'stock committed');
        return reply(CommitStockSucceededV1, { orderId });
      default:
        throw new Error(`the scripted participants got an unexpected ${command.type}`);
    }
  }

  private record(orderId: string, effect: string): void {
    const effects = this.effects.get(orderId) ?? new Set<string>();
    effects.add(effect);
    this.effects.set(orderId, effects);
  }

  private unrecord(orderId: string, prefix: string): void {
    const effects = this.effects.get(orderId);
    for (const effect of [...(effects ?? [])]) {
      if (effect.startsWith(prefix)) effects?.delete(effect);
    }
  }

  private async produce(envelope: MessageEnvelope, key: string): Promise<void> {
    await this.producer?.send({
      topic: this.kafka.topic(Topics.orderSagaReplies),
      messages: [{ key, value: JSON.stringify(envelope), headers: headersOf(envelope) }],
    });
  }
}

// One payment per order, like the real payment service: a stable id per order.
const paymentIds = new Map<string, string>();
function paymentIdOf(orderId: string): string {
  const id = paymentIds.get(orderId) ?? uuidv7();
  paymentIds.set(orderId, id);
  return id;
}
