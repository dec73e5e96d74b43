import { randomUUID } from 'node:crypto';
import { cpuBetween, cpuSnapshot, type WatchedProcess } from './process-usage';
import { summarize } from './statistics';

export interface GatewayCall {
  (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Orders' final events as the observer reads them from Kafka, by order id. */
export type FinalStates = ReadonlyMap<string, { at: number; approved: boolean }>;

export interface PhaseSpec {
  name: string;
  rate: number;
  seconds: number;
  /** The product of the n-th order of the phase. */
  productFor: (index: number) => string;
}

export interface PhaseResult {
  spec: PhaseSpec;
  offered: number;
  accepted: number;
  refused: Record<string, number>;
  completed: number;
  approved: number;
  /** Completed orders over the time from the first order sent to the last one final. */
  completedPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU seconds per watched process from the first order sent to the last one final. */
  cpu: Map<string, number>;
  wallSeconds: number;
}

const address = {
  recipient: 'Load',
  line1: '1 Busy Road',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
};

/**
 * Offers orders at a fixed rate (open loop: the next one leaves on time
 * whether or not the last one was answered), then waits until every accepted
 * order reached its final state or `drainMs` passed.
 */
export async function runPhase(options: {
  spec: PhaseSpec;
  call: GatewayCall;
  token: string;
  finals: FinalStates;
  processes: readonly WatchedProcess[];
  drainMs: number;
}): Promise<PhaseResult> {
  const { spec, call, token, finals } = options;
  const sent: { orderId: string; at: number }[] = [];
  const refused: Record<string, number> = {};
  const total = Math.round(spec.rate * spec.seconds);
  const cpuBefore = cpuSnapshot(options.processes);
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const wait = started + (index * 1_000) / spec.rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const productId = spec.productFor(index);
    inFlight.push(
      (async () => {
        const at = Date.now();
        try {
          const answer = await call(
            'POST',
            '/api/v1/orders',
            token,
            {
              items: [{ productId, quantity: 1 }],
              paymentMethod: { token: 'tok_visa' },
              shippingAddress: address,
            },
            { 'idempotency-key': randomUUID() },
          );
          if (answer.status === 202) sent.push({ orderId: answer.body['orderId'] as string, at });
          else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
        } catch (error) {
          const reason = (error as Error).message;
          refused[reason] = (refused[reason] ?? 0) + 1;
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + options.drainMs;
  while (Date.now() < deadline && sent.some(({ orderId }) => !finals.has(orderId))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpu = cpuBetween(cpuBefore, cpuSnapshot(options.processes));
  const done = sent.filter(({ orderId }) => finals.has(orderId));
  const latencies = done.map(({ orderId, at }) => (finals.get(orderId)?.at ?? at) - at);
  const lastEnd = Math.max(started, ...done.map(({ orderId }) => finals.get(orderId)?.at ?? 0));
  return {
    spec,
    offered: total,
    accepted: sent.length,
    refused,
    completed: done.length,
    approved: done.filter(({ orderId }) => finals.get(orderId)?.approved).length,
    completedPerSecond: done.length / Math.max(0.001, (lastEnd - started) / 1_000),
    ...summarize(latencies),
    cpu,
    wallSeconds: (Date.now() - started) / 1_000,
  };
}

/** Each participant step of the customer's latest orders, command sent to reply received, by step. */
export async function stepLatencies(
  call: GatewayCall,
  token: string,
  sampleSize = 50,
): Promise<Map<string, { p50: number; max: number }>> {
  const sample = (await call('GET', `/api/v1/orders?limit=${sampleSize}`, token)).body['items'] as
    { id: string }[] | undefined;
  const steps = new Map<string, number[]>();
  for (const { id } of sample ?? []) {
    const order = (await call('GET', `/api/v1/orders/${id}`, token)).body as {
      saga?: { timeline: { at: string; step: string | null; event: string }[] } | null;
    };
    const sentAt = new Map<string, number>();
    for (const entry of order.saga?.timeline ?? []) {
      if (!entry.step) continue;
      if (entry.event === 'command-sent') sentAt.set(entry.step, Date.parse(entry.at));
      const sent = sentAt.get(entry.step);
      if (entry.event === 'reply-received' && sent !== undefined) {
        steps.set(entry.step, [...(steps.get(entry.step) ?? []), Date.parse(entry.at) - sent]);
      }
    }
  }
  return new Map(
    [...steps].map(([step, values]) => [
      step,
      { p50: summarize(values).p50, max: Math.max(...values) },
    ]),
  );
}
