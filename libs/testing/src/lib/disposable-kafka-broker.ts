import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ensureKafkaDistribution,
  kafkaClasspath,
  kafkaLog4jProperties,
  kafkaServerProperties,
  newKafkaClusterId,
} from '@shop/infra';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './free-port';

/**
 * A Kafka broker of one test's own, that the test may stop (as a crash: SIGKILL)
 * and start again with its data: for fault drills that must not disturb the
 * shared broker. Runs from the provisioner's cached jars (Java 17 and Maven).
 */
export class DisposableKafkaBroker {
  private process: ChildProcess | undefined;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  static async start(): Promise<DisposableKafkaBroker> {
    await ensureKafkaDistribution();
    const dir = mkdtempSync(join(tmpdir(), 'kafka-broker-'));
    const [kafkaPort, kafkaControllerPort] = (await freePorts(2)) as [number, number];
    writeFileSync(
      join(dir, 'server.properties'),
      kafkaServerProperties({
        host: '127.0.0.1',
        kafkaPort,
        kafkaControllerPort,
        dataDir: join(dir, 'data'),
      }),
    );
    writeFileSync(join(dir, 'log4j.properties'), kafkaLog4jProperties);
    const format = spawnSync('java', [
      '-cp',
      kafkaClasspath(),
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${newKafkaClusterId()}`,
      `--config=${join(dir, 'server.properties')}`,
    ]);
    if (format.status !== 0)
      throw new Error(`kafka storage format failed: ${format.stderr.toString()}`);
    const broker = new DisposableKafkaBroker(dir, kafkaPort);
    await broker.resume();
    return broker;
  }

  /** Starts the broker (again) on its data and waits until consumer groups can join. */
  async resume(): Promise<void> {
    if (this.process) return;
    const log = openSync(join(this.dir, 'broker.log'), 'a');
    this.process = spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx256m',
        `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`,
        '-cp',
        kafkaClasspath(),
        'kafka.Kafka',
        join(this.dir, 'server.properties'),
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.process.exitCode !== null) {
        throw new Error(
          `the broker exited:\n${readFileSync(join(this.dir, 'broker.log'), 'utf8').slice(-2_000)}`,
        );
      }
      if (await this.answers()) return;
      if (Date.now() > deadline)
        throw new Error('the disposable broker did not answer within 60 s');
      await sleep(500);
    }
  }

  /** Kills the broker at once, like a crash or a lost host. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    const admin = new Kafka({
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      // Loads the cluster metadata; then a group-coordinator lookup proves groups can join.
      await admin.describeCluster();
      await admin.describeGroups(['probe']);
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect();
    }
  }
}
