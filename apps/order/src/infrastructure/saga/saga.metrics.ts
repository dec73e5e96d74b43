import { Counter, Histogram, type Registry } from 'prom-client';

export type SagaEnding = 'completed' | 'rejected' | 'cancelled';

/**
 * Saga outcomes on /metrics. Recorded inside the transition's transaction: a
 * transition that rolls back and is retried (a concurrent update) may count
 * twice. Good enough for rates and latencies; the orders table is the truth.
 */
export class SagaMetrics {
  private readonly started: Counter<'saga'>;
  private readonly ended: Counter<'saga' | 'outcome'>;
  private readonly duration: Histogram<'saga' | 'outcome'>;

  constructor(registry: Registry) {
    this.started = new Counter({
      name: 'saga_started_total',
      help: 'Sagas started',
      labelNames: ['saga'],
      registers: [registry],
    });
    this.ended = new Counter({
      name: 'saga_ended_total',
      help: 'Sagas ended, by outcome (completed, rejected = compensated, cancelled)',
      labelNames: ['saga', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'saga_duration_seconds',
      help: 'From start to end of a saga, by outcome',
      labelNames: ['saga', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
  }

  sagaStarted(saga: string): void {
    this.started.inc({ saga });
  }

  sagaEnded(saga: string, outcome: SagaEnding, startedAt: Date, now: Date): void {
    this.ended.inc({ saga, outcome });
    this.duration.observe({ saga, outcome }, (now.getTime() - startedAt.getTime()) / 1_000);
  }
}
