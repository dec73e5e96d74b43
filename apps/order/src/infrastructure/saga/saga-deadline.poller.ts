import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CreateOrderSagaOrchestrator } from '../../application/create-order-saga/create-order-saga.orchestrator';
import { type OrderConfig } from '../../config/order-config';
import { ORDER_CONFIG } from '../../config/order-config.token';

/**
 * Applies expired saga deadlines (re-send, or give up and compensate) every
 * SAGA_DEADLINE_POLL_MS. Safe in every replica: each saga is changed in its
 * own transaction with optimistic locking, so two pollers never both act.
 */
@Injectable()
export class SagaDeadlinePoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SagaDeadlines');
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly saga: CreateOrderSagaOrchestrator,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound().finally(() => this.schedule());
    }, this.config.SAGA_DEADLINE_POLL_MS);
  }

  private async runRound(): Promise<void> {
    try {
      const { handled, failed } = await this.saga.processDueDeadlines(this.dataSource);
      if (handled.length > 0) this.logger.log(`deadlines applied to ${handled.length} saga(s)`);
      for (const { sagaId, error } of failed) {
        this.logger.error(`deadline of saga ${sagaId} failed: ${error.message}`);
      }
    } catch (error) {
      // The database may be briefly away: the next round tries again.
      this.logger.error(`deadline round failed: ${(error as Error).message}`);
    }
  }
}
