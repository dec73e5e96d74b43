import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { percentile } from './statistics';

/**
 * Kafka hops an order makes from its first commit to its final event, each
 * after a commit: the saga's four command/reply pairs plus the final event
 * are 9 hops; the order's insert, each participant's step and each reply the
 * orchestrator takes are 9 commits.
 */
export const SAGA_HOPS = 9;

export interface FloorOptions {
  brokers: string[];
  /** A database of its own: the floor creates one table in it. */
  postgresUrl: string;
  topicPrefix: string;
  /** Hops per chain, each a commit then a produce: SAGA_HOPS to match an order. */
  hops: number;
  rate: number;
  seconds: number;
}

export interface FloorResult {
  chains: number;
  completed: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Hop {
  chain: string;
  hop: number;
  startedAt: number;
}

/**
 * The raw floor under the saga: chains of `hops` steps, each a PostgreSQL
 * transaction (one insert) followed by a Kafka produce the next step
 * consumes, with bare kafkajs and pg and nothing else (no outbox, inbox,
 * framework, tracing or logging). What the saga costs above it is ours.
 */
export async function measureFloor(options: FloorOptions): Promise<FloorResult> {
  const kafka = new Kafka({
    clientId: 'order-floor',
    brokers: options.brokers,
    logLevel: logLevel.WARN,
  });
  const topic = `${options.topicPrefix}floor`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const pool = new Pool({ connectionString: options.postgresUrl, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS floor_steps (chain uuid, hop int, at timestamptz)');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${options.topicPrefix}floor` });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  const latencies: number[] = [];
  const commitThenSend = async (step: Hop) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO floor_steps (chain, hop, at) VALUES ($1, $2, now())', [
        step.chain,
        step.hop,
      ]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await producer.send({ topic, messages: [{ key: step.chain, value: JSON.stringify(step) }] });
  };
  let joined!: () => void;
  const groupJoined = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message }) => {
      const step = JSON.parse(String(message.value)) as Hop;
      if (step.hop >= options.hops) {
        latencies.push(Date.now() - step.startedAt);
        return;
      }
      await commitThenSend({ ...step, hop: step.hop + 1 });
    },
  });
  await groupJoined;

  const chains = Math.round(options.rate * options.seconds);
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let index = 0; index < chains; index += 1) {
    const wait = started + (index * 1_000) / options.rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(commitThenSend({ chain: randomUUID(), hop: 1, startedAt: Date.now() }));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 60_000;
  while (latencies.length < chains && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await consumer.disconnect();
  await producer.disconnect();
  await pool.end();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    chains,
    completed: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}
