import { Registry } from 'prom-client';
import { SagaMetrics } from './saga.metrics';

describe('SagaMetrics', () => {
  it('has every series of its sagas at zero from start-up, before any saga ran', async () => {
    const registry = new Registry();
    new SagaMetrics(registry, ['CreateOrder']);

    const text = await registry.metrics();

    expect(text).toContain('saga_started_total{saga="CreateOrder"} 0');
    for (const outcome of ['completed', 'rejected', 'cancelled']) {
      expect(text).toContain(`saga_ended_total{saga="CreateOrder",outcome="${outcome}"} 0`);
      expect(text).toContain(
        `saga_duration_seconds_count{saga="CreateOrder",outcome="${outcome}"} 0`,
      );
      expect(text).toContain(
        `saga_duration_seconds_bucket{le="+Inf",saga="CreateOrder",outcome="${outcome}"} 0`,
      );
    }
  });

  it('counts an ended saga under its outcome and observes its duration', async () => {
    const registry = new Registry();
    const metrics = new SagaMetrics(registry, ['CreateOrder']);

    metrics.sagaStarted('CreateOrder');
    metrics.sagaEnded(
      'CreateOrder',
      'completed',
      new Date('2026-12-02T10:00:00.000Z'),
      new Date('2026-12-02T10:00:00.300Z'),
    );

    const text = await registry.metrics();
    expect(text).toContain('saga_started_total{saga="CreateOrder"} 1');
    expect(text).toContain('saga_ended_total{saga="CreateOrder",outcome="completed"} 1');
    expect(text).toContain('saga_duration_seconds_sum{saga="CreateOrder",outcome="completed"} 0.3');
    expect(text).toContain('saga_ended_total{saga="CreateOrder",outcome="rejected"} 0');
  });
});
