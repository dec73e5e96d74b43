import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './free-port';

/**
 * A Kafka broker of one test's own, that the test may stop (as a crash: SIGKILL)
 * and start again with its data: for fault drills that must not disturb the
 * shared broker. Runs Kafka's jars with Java 17 from `KAFKA_CLASSPATH`, which
 * `npm test`, the Jest global setup and `npm run -s infra:env` set once the
 * provisioner has resolved them (any native run does): this library starts a
 * broker, it does not provision one.
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
    const classpath = kafkaClasspath();
    const dir = mkdtempSync(join(tmpdir(), 'kafka-broker-'));
    const [kafkaPort, kafkaControllerPort] = (await freePorts(2)) as [number, number];
    writeFileSync(
      join(dir, 'server.properties'),
      singleNodeProperties(kafkaPort, kafkaControllerPort, join(dir, 'data')),
    );
    writeFileSync(join(dir, 'log4j.properties'), LOG4J);
    const format = spawnSync('java', [
      '-cp',
      classpath,
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      'kafka.tools.StorageTool',
      'format',
      // A KRaft cluster id: 16 random bytes, URL-safe base64.
      `--cluster-id=${randomBytes(16).toString('base64url')}`,
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

function kafkaClasspath(): string {
  const classpath = process.env['KAFKA_CLASSPATH'];
  if (!classpath) {
    throw new Error(
      "DisposableKafkaBroker needs Kafka's jars in KAFKA_CLASSPATH: run the tests through `npm test` " +
        'or with INFRA_MODE=native (the provisioner resolves them), or point it at a Kafka ' +
        'distribution\'s libs (e.g. KAFKA_CLASSPATH="/opt/kafka/libs/*").',
    );
  }
  return classpath;
}

/** One KRaft node, broker and controller, on loopback; topics only as tests create them. */
function singleNodeProperties(port: number, controllerPort: number, dataDir: string): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

const LOG4J = `${[
  ['log4j.rootLogger', 'WARN, stdout'],
  ['log4j.appender.stdout', 'org.apache.log4j.ConsoleAppender'],
  ['log4j.appender.stdout.layout', 'org.apache.log4j.PatternLayout'],
  ['log4j.appender.stdout.layout.ConversionPattern', '[%d] %p %m (%c)%n'],
]
  .map(([key, value]) => `${key}=${value}`)
  .join('\n')}\n`;
