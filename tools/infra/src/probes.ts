import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { Client } from 'pg';

/** True when something accepts TCP connections on host:port. */
export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/** Connects and runs a query; returns the server version. */
export async function probePostgres(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

/** Pings the server; returns which kind of MongoDB-wire server answered. */
export async function probeMongo(url: string): Promise<'mongod' | 'ferretdb'> {
  const client = new mongo.MongoClient(url, {
    serverSelectionTimeoutMS: 3_000,
    connectTimeoutMS: 3_000,
  });
  // connect() rejects with the same error: the listener only keeps ioredis from printing it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return 'ferretdbVersion' in info ? 'ferretdb' : 'mongod';
  } finally {
    await client.close();
  }
}

/** Asks the cluster for its brokers and controller: answers once KRaft has a leader. */
export async function probeKafka(brokers: string[]): Promise<number> {
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.controller === null || cluster.controller < 0)
      throw new Error('no active controller yet');
    // Finding a group coordinator creates __consumer_offsets on a fresh broker:
    // until that answers, consumer groups cannot join.
    await admin.describeGroups(['shop-infra-probe']);
    return cluster.brokers.length;
  } finally {
    await admin.disconnect();
  }
}

/** Pings Redis; returns its version. */
export async function probeRedis(url: string): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() rejects with the same error: the listener only keeps ioredis from printing it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
  } finally {
    client.disconnect();
  }
}
