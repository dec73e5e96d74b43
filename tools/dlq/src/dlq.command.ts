import { ALL_TOPICS, type Topic } from '@shop/contracts';
import { DeadLetterQueue, TopicNames } from '@shop/messaging';
import { Kafka, KafkaJSError, logLevel } from 'kafkajs';
import {
  formatLetterDetails,
  formatLetterLines,
  letterJson,
  letterPosition,
  type LocatedLetter,
} from './dead-letter.formatter';
import {
  DLQ_USAGE,
  type DlqInvocation,
  type KafkaConnection,
  type LetterPosition,
  parseDlqArguments,
  positionKey,
} from './dlq-arguments.parser';
import { DlqError, ExitCode } from './dlq.error';

interface TextSink {
  write(text: string): unknown;
}

/** The process's streams and environment, injected so tests run commands in-process. */
export interface DlqIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
}

type KafkaInvocation = Exclude<DlqInvocation, { command: 'help' }>;

/**
 * Runs one `dlq` command line and resolves to the exit code; never rejects.
 * Expected failures (arguments, Kafka) are one line on stderr; anything else
 * is a bug and keeps its stack trace.
 */
export async function runDlqCommand(argv: readonly string[], io: DlqIo): Promise<ExitCode> {
  try {
    const invocation = parseDlqArguments(argv, io.env);
    if (invocation.command === 'help') {
      io.stdout.write(DLQ_USAGE);
      return ExitCode.ok;
    }
    await new DlqSession(invocation.connection, io).run(invocation);
    return ExitCode.ok;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: DlqIo): ExitCode {
  if (error instanceof DlqError) {
    io.stderr.write(`dlq: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof KafkaJSError) {
    io.stderr.write(`dlq: Kafka: ${oneLine(error.message)}\n`);
    return ExitCode.failure;
  }
  io.stderr.write(
    `dlq: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.failure;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

class DlqSession {
  private readonly kafka: Kafka;
  private readonly names: TopicNames;
  private readonly queue: DeadLetterQueue;

  constructor(
    connection: KafkaConnection,
    private readonly io: DlqIo,
  ) {
    this.kafka = new Kafka({
      clientId: 'dlq-cli',
      brokers: connection.brokers,
      // Failures reach the user as one line from report(); kafkajs's retry and
      // rebalance chatter is only for --verbose.
      logLevel: connection.verbose ? logLevel.INFO : logLevel.NOTHING,
      logCreator:
        () =>
        ({ namespace, level, log }) =>
          io.stderr.write(`[kafkajs] ${logLevel[level]} ${namespace}: ${log.message}\n`),
    });
    this.names = new TopicNames(connection.topicPrefix);
    this.queue = new DeadLetterQueue(this.kafka, this.names);
  }

  async run(invocation: KafkaInvocation): Promise<void> {
    switch (invocation.command) {
      case 'list':
        return this.list(invocation.topic, invocation.json);
      case 'inspect':
        return this.inspect(invocation.topic, invocation.position, invocation.json);
      case 'replay':
        return this.replay(invocation.topic, invocation.selection, invocation.dryRun);
    }
  }

  private async list(only: Topic | null, json: boolean): Promise<void> {
    if (only !== null) await this.requireDeadLetterTopic(only);
    const topics = only === null ? await this.topicsWithDeadLetterTopic() : [only];
    const letters: LocatedLetter[] = [];
    for (const topic of topics) letters.push(...(await this.lettersOf(topic)));

    if (json) {
      this.io.stdout.write(`${JSON.stringify(letters.map(letterJson), null, 2)}\n`);
      return;
    }
    this.io.stdout.write(formatLetterLines(letters));
    // On stderr, so stdout stays exactly one line per dead letter.
    const checked = topics.map((topic) => this.names.deadLetterOf(topic)).join(', ');
    this.io.stderr.write(
      topics.length === 0
        ? `no dead-letter topics with prefix '${this.names.prefix}' on the broker\n`
        : `${letters.length} dead letter${letters.length === 1 ? '' : 's'} in ${checked}\n`,
    );
  }

  private async inspect(topic: Topic, position: LetterPosition, json: boolean): Promise<void> {
    await this.requireDeadLetterTopic(topic);
    const letters = await this.lettersOf(topic);
    const [letter] = this.pick(topic, letters, [position]);
    this.io.stdout.write(
      json ? `${JSON.stringify(letterJson(letter), null, 2)}\n` : formatLetterDetails(letter),
    );
  }

  private async replay(
    topic: Topic,
    selection: LetterPosition[] | 'all',
    dryRun: boolean,
  ): Promise<void> {
    await this.requireDeadLetterTopic(topic);
    const letters = await this.lettersOf(topic);
    // Positions are fixed before sending, so a letter that arrives meanwhile is
    // not replayed by an --all that never showed it.
    const chosen = selection === 'all' ? letters : this.pick(topic, letters, selection);
    if (chosen.length === 0) {
      this.io.stderr.write(
        `no dead letters in ${this.names.deadLetterOf(topic)}: nothing to replay\n`,
      );
      return;
    }
    if (dryRun) {
      for (const letter of chosen) {
        this.io.stdout.write(this.replayLine('would replay', topic, letter));
      }
      this.io.stderr.write(`dry run: nothing sent (${chosen.length} to replay)\n`);
      return;
    }
    const keys = new Set(chosen.map(letterPosition));
    const dlqTopic = this.names.deadLetterOf(topic);
    const replayed = await this.queue.replay(topic, (letter) => keys.has(positionKey(letter)));
    for (const letter of replayed) {
      this.io.stdout.write(this.replayLine('replayed', topic, { dlqTopic, letter }));
    }
    this.io.stderr.write(
      `replayed ${replayed.length} dead letter${replayed.length === 1 ? '' : 's'}; ` +
        "the consumer's inbox ignores any it had already processed\n",
    );
  }

  private replayLine(verb: string, topic: Topic, located: LocatedLetter): string {
    const { letter } = located;
    // The same target DeadLetterQueue.replay sends to.
    const target = this.names.physical(letter.originalTopic || topic);
    return `${verb} ${located.dlqTopic} ${letterPosition(located)} to ${target} (${letter.reason})\n`;
  }

  private pick(
    topic: Topic,
    letters: LocatedLetter[],
    positions: LetterPosition[],
  ): LocatedLetter[] {
    const byPosition = new Map(letters.map((letter) => [letterPosition(letter), letter]));
    const missing = positions.map(positionKey).filter((key) => !byPosition.has(key));
    if (missing.length > 0) {
      const present = [...byPosition.keys()];
      throw new DlqError(
        `no dead letter at ${missing.join(', ')} in ${this.names.deadLetterOf(topic)} ` +
          `(it holds ${present.length === 0 ? 'none' : present.join(', ')})`,
      );
    }
    return positions.flatMap((position) => byPosition.get(positionKey(position)) ?? []);
  }

  private async lettersOf(topic: Topic): Promise<LocatedLetter[]> {
    const dlqTopic = this.names.deadLetterOf(topic);
    return (await this.queue.list(topic)).map((letter) => ({ dlqTopic, letter }));
  }

  private async topicsWithDeadLetterTopic(): Promise<Topic[]> {
    const existing = new Set(await this.brokerTopics());
    return ALL_TOPICS.filter((topic) => existing.has(this.names.deadLetterOf(topic)));
  }

  /** Checked up front: a wrong prefix should say so, not look like an empty queue. */
  private async requireDeadLetterTopic(topic: Topic): Promise<void> {
    const dlqTopic = this.names.deadLetterOf(topic);
    if (!(await this.brokerTopics()).includes(dlqTopic)) {
      throw new DlqError(
        `no topic '${dlqTopic}' on the broker; is the topic prefix ('${this.names.prefix}') right?`,
      );
    }
  }

  private async brokerTopics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  }
}
