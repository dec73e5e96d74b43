import { Counter, Histogram, type Registry } from 'prom-client';

export const SAGA_ENDINGS = ['completed', 'rejected', 'cancelled'] as const;
export type SagaEnding = (typeof SAGA_ENDINGS)[number];

/**
 * Saga outcomes on /metrics. Recorded inside the transition's transaction: a
 * transition that rolls back and is retried (a concurrent update) may count
 * twice. Good enough for rates and latencies; the orders table is the truth.
 *
 * Every series of the `sagas` named exists from start-up, at zero: a
 * dashboard's `rate()` needs a sample before the first event, or a restarted
 * service's rates start from nothing.
 */
export class SagaMetrics {
  private readonly started: Counter<'saga'>;
  private readonly ended: Counter<'saga' | 'outcome'>;
  private readonly duration: Histogram<'saga' | 'outcome'>;

  constructor(registry: Registry, sagas: readonly string[]) {
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
    for (const saga of sagas) {
      this.started.inc({ saga }, 0);
      for (const outcome of SAGA_ENDINGS) {
        this.ended.inc({ saga, outcome }, 0);
        this.duration.zero({ saga, outcome });
      }
    }
  }

  sagaStarted(saga: string): void {
    this.started.inc({ saga });
  }

  sagaEnded(saga: string, outcome: SagaEnding, startedAt: Date, now: Date): void {
    this.ended.inc({ saga, outcome });
    this.duration.observe({ saga, outcome }, (now.getTime() - startedAt.getTime()) / 1_000);
  }
}
