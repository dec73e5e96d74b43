import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { MongoMessagePublisher } from '@shop/messaging';
import { type Model } from 'mongoose';
import { type CatalogConfig } from '../../config/catalog-config';
import { CATALOG_CONFIG } from '../../config/catalog-config.token';
import { ProductDocument } from '../persistence/product.schema';
import { ProductWritesSerializer } from '../persistence/product-writes.serializer';

const BATCH = 100;

/**
 * Moves events from products' `pendingEvents` to the service outbox: after a
 * product change (`notify()`), and every sweep interval for what a crash left
 * behind. The outbox write is a no-op for an id it holds already, and an event
 * leaves its product only after it is in the outbox, so a crash at any point
 * means "forwarded again", never "lost".
 */
@Injectable()
export class ProductEventsForwarder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProductEventsForwarder.name);
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private notified = false;

  constructor(
    @InjectModel(ProductDocument.name) private readonly products: Model<ProductDocument>,
    private readonly serializer: ProductWritesSerializer,
    private readonly publisher: MongoMessagePublisher,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopping = false;
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** A product has new pending events: forward them now rather than at the next sweep. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Forwards every pending event; returns how many. */
  async forwardPending(): Promise<number> {
    let forwarded = 0;
    for (;;) {
      const batch = await this.products
        .find({ 'pendingEvents.envelope.id': { $exists: true } }, { pendingEvents: 1 })
        .limit(BATCH)
        .lean();
      for (const product of batch) {
        await this.publisher.append(product.pendingEvents);
        await this.serializer.run(product._id, async () => {
          // By exact value (FerretDB v1 has no $pull by condition); events queued meanwhile stay.
          for (const event of product.pendingEvents) {
            await this.products.updateOne(
              { _id: product._id },
              { $pull: { pendingEvents: event } },
            );
          }
        });
        forwarded += product.pendingEvents.length;
      }
      if (batch.length < BATCH) return forwarded;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.notified = false;
      try {
        await this.forwardPending();
      } catch (error) {
        // The events stay in their products; the next round (at most one interval away) retries.
        this.logger.error(`forwarding product events failed: ${(error as Error).message}`);
      }
      if (this.stopping || this.notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.CATALOG_EVENT_SWEEP_INTERVAL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
