import { Histogram, type Registry } from 'prom-client';
import { type ProviderCallObserver } from '../../application/provider-calls/provider-call.policy';

/**
 * `payment_provider_call_duration_seconds{operation, outcome}` on the
 * service's registry: every provider attempt, so a fault drill (or a real
 * provider's bad day) shows up as timeouts and outages by operation.
 */
export function providerCallMetrics(registry: Registry): ProviderCallObserver {
  const durations = new Histogram({
    name: 'payment_provider_call_duration_seconds',
    help: 'Payment provider call attempts by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (operation, outcome, seconds) => durations.observe({ operation, outcome }, seconds);
}
