import { dlqTopicOf, ReserveStockV1, Topics, VoidPaymentV1 } from '@shop/contracts';
import { REPLAYED_FROM_HEADER } from '@shop/contracts';
import { TopicNames } from '@shop/messaging';
import { randomUUID } from 'node:crypto';
import { DlqTestBed, messageOf } from './support/dlq-test-bed';

describe('dlq command line (real Kafka)', () => {
  const bed = new DlqTestBed();

  beforeAll(async () => {
    await bed.setUp();
  });

  afterAll(async () => {
    await bed.tearDown();
  });

  const reserveStock = (quantity: number) =>
    messageOf(ReserveStockV1, {
      orderId: randomUUID(),
      items: [{ productId: randomUUID(), quantity }],
    });

  /** catalog.commands.dlq holding three letters, at 0:0, 0:1 and 0:2. */
  async function catalogCommandsWithThreeDeadLetters(): Promise<{
    names: TopicNames;
    failing: ReturnType<typeof reserveStock>;
  }> {
    const names = await bed.topicsForCase([Topics.catalogCommands]);
    const failing = reserveStock(9);
    await bed.deadLetter(names, {
      topic: Topics.catalogCommands,
      originalOffset: '0',
      key: 'order-1',
      value: '{"this is": not json',
      reason: 'unparseable',
      error: 'Unexpected token \'n\', "{"this is": not json" is not valid JSON',
    });
    await bed.deadLetter(names, {
      topic: Topics.catalogCommands,
      originalOffset: '1',
      ...failing,
      reason: 'handler-failed',
      error: 'Error: payment provider down\n    at handler (reserve-stock.handler.ts:12:11)',
      attempts: 3,
    });
    await bed.deadLetter(names, {
      topic: Topics.catalogCommands,
      originalOffset: '2',
      ...reserveStock(1),
      reason: 'non-retriable',
      error: 'NonRetriableError: product is discontinued',
    });
    return { names, failing };
  }

  describe('list', () => {
    it('prints one line per dead letter with its position, reason, message type, origin and error', async () => {
      const { names } = await catalogCommandsWithThreeDeadLetters();
      const dlqTopic = names.deadLetterOf(Topics.catalogCommands);

      const result = await bed.run(names, 'list', '--topic', Topics.catalogCommands);

      expect(result.exitCode).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(
        new RegExp(
          `^${dlqTopic}\\s+0:0\\s+unparseable\\s+-\\s+from catalog\\.commands 0:0\\s+\\S+Z\\s+Unexpected token`,
        ),
      );
      expect(lines[1]).toMatch(
        /\s0:1\s+handler-failed\s+catalog\.ReserveStock\.v1\s+from catalog\.commands 0:1\s+\S+Z\s+Error: payment provider down$/,
      );
      expect(lines[2]).toMatch(
        /\s0:2\s+non-retriable\s+catalog\.ReserveStock\.v1\s+from catalog\.commands 0:2\s+.*product is discontinued$/,
      );
      expect(result.stderr).toBe(`3 dead letters in ${dlqTopic}\n`);
    });

    it('without --topic, lists every topic that has a dead-letter topic, in contract order', async () => {
      const names = await bed.topicsForCase([Topics.paymentCommands, Topics.catalogCommands]);
      await bed.deadLetter(names, {
        topic: Topics.paymentCommands,
        originalOffset: '4',
        ...messageOf(VoidPaymentV1, { orderId: randomUUID() }),
        reason: 'no-handler',
        error: 'no handler for payment.VoidPayment.v1',
      });
      await bed.deadLetter(names, {
        topic: Topics.catalogCommands,
        originalOffset: '7',
        ...reserveStock(2),
        reason: 'invalid-data',
        error: 'items: Too small',
      });

      const result = await bed.run(names, 'list', '--json');

      expect(result.exitCode).toBe(0);
      const letters = JSON.parse(result.stdout) as Record<string, unknown>[];
      expect(
        letters.map(({ dlqTopic, partition, offset, reason, messageType, originalOffset }) => ({
          dlqTopic,
          partition,
          offset,
          reason,
          messageType,
          originalOffset,
        })),
      ).toEqual([
        {
          dlqTopic: names.deadLetterOf(Topics.catalogCommands),
          partition: 0,
          offset: '0',
          reason: 'invalid-data',
          messageType: ReserveStockV1.type,
          originalOffset: '7',
        },
        {
          dlqTopic: names.deadLetterOf(Topics.paymentCommands),
          partition: 0,
          offset: '0',
          reason: 'no-handler',
          messageType: VoidPaymentV1.type,
          originalOffset: '4',
        },
      ]);
    });

    it('fails with exit 1 when the topic has no dead-letter topic under the prefix', async () => {
      const names = await bed.topicsForCase([Topics.catalogCommands]);

      const result = await bed.run(names, 'list', '--topic', Topics.orderEvents);

      expect(result).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: `dlq: no topic '${names.deadLetterOf(Topics.orderEvents)}' on the broker; is the topic prefix ('${names.prefix}') right?\n`,
      });
    });
  });

  describe('inspect', () => {
    it('prints one dead letter in full: failure, headers, key and the value pretty-printed', async () => {
      const { names, failing } = await catalogCommandsWithThreeDeadLetters();

      const result = await bed.run(
        names,
        'inspect',
        '--topic',
        // The name `list` shows (without the prefix) works as well as the logical topic.
        dlqTopicOf(Topics.catalogCommands),
        '--offset',
        '0:1',
      );

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(
        `dead letter     ${names.deadLetterOf(Topics.catalogCommands)} 0:1\n`,
      );
      expect(result.stdout).toContain('reason          handler-failed\n');
      expect(result.stdout).toContain('attempts        3\n');
      expect(result.stdout).toContain(`key             ${failing.key}\n`);
      expect(result.stdout).toContain(
        'error\n  Error: payment provider down\n      at handler (reserve-stock.handler.ts:12:11)\n',
      );
      expect(result.stdout).toMatch(
        new RegExp(`\\n  message-id\\s+${failing.headers['message-id']}\\n`),
      );
      expect(result.stdout).toMatch(/\n {2}dlq-reason\s+handler-failed\n/);
      expect(result.stdout).toContain(
        `value\n  {\n    "id": "${failing.headers['message-id']}",\n    "type": "catalog.ReserveStock.v1",\n`,
      );
    });

    it('shows a value that is not JSON as it is', async () => {
      const { names } = await catalogCommandsWithThreeDeadLetters();

      const result = await bed.run(
        names,
        'inspect',
        '--topic',
        Topics.catalogCommands,
        '--offset',
        '0:0',
      );

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('reason          unparseable\n');
      expect(result.stdout).toContain('message type    -\n');
      expect(result.stdout.endsWith('value\n  {"this is": not json\n')).toBe(true);
    });

    it('fails with exit 1 and names the positions there are when none is at the offset', async () => {
      const { names } = await catalogCommandsWithThreeDeadLetters();

      const result = await bed.run(
        names,
        'inspect',
        '--topic',
        Topics.catalogCommands,
        '--offset',
        '0:9',
      );

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe(
        `dlq: no dead letter at 0:9 in ${names.deadLetterOf(Topics.catalogCommands)} (it holds 0:0, 0:1, 0:2)\n`,
      );
    });
  });

  describe('replay', () => {
    it('sends exactly the chosen dead letter back to its original topic, marked with where it came from', async () => {
      const { names, failing } = await catalogCommandsWithThreeDeadLetters();
      const original = names.physical(Topics.catalogCommands);
      const dlqTopic = names.deadLetterOf(Topics.catalogCommands);

      const result = await bed.run(
        names,
        'replay',
        '--topic',
        Topics.catalogCommands,
        '--offset',
        '0:1',
      );

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(`replayed ${dlqTopic} 0:1 to ${original} (handler-failed)\n`);
      expect(await bed.messageCount(original)).toBe(1);
      const [replayed] = await bed.read(original, 1);
      expect(replayed?.key?.toString()).toBe(failing.key);
      expect(replayed?.value?.toString()).toBe(failing.value);
      const headers = Object.fromEntries(
        Object.entries(replayed?.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      expect(headers).toEqual({ ...failing.headers, [REPLAYED_FROM_HEADER]: `${dlqTopic}:0:1` });
    });

    it('with --dry-run prints what it would replay and sends nothing', async () => {
      const { names } = await catalogCommandsWithThreeDeadLetters();
      const original = names.physical(Topics.catalogCommands);
      const dlqTopic = names.deadLetterOf(Topics.catalogCommands);

      const result = await bed.run(
        names,
        'replay',
        '--topic',
        Topics.catalogCommands,
        '--all',
        '--dry-run',
      );

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(
        [
          `would replay ${dlqTopic} 0:0 to ${original} (unparseable)`,
          `would replay ${dlqTopic} 0:1 to ${original} (handler-failed)`,
          `would replay ${dlqTopic} 0:2 to ${original} (non-retriable)`,
          '',
        ].join('\n'),
      );
      expect(await bed.messageCount(original)).toBe(0);
    });

    it('refuses, with exit 2 and before reaching Kafka, to run without --offset or --all', async () => {
      const names = await bed.topicsForCase([Topics.catalogCommands]);

      const result = await bed.run(
        names,
        'replay',
        '--topic',
        Topics.catalogCommands,
        '--brokers',
        '127.0.0.1:1',
      );

      expect(result).toEqual({
        exitCode: 2,
        stdout: '',
        stderr:
          'dlq: replay needs the dead letters to send: --offset <partition:offset> (repeatable) or --all\n',
      });
      expect(await bed.messageCount(names.physical(Topics.catalogCommands))).toBe(0);
    });
  });

  describe('wrong arguments and unreachable brokers', () => {
    const names = new TopicNames('');

    it.each([
      [['replay', '--topic', 'catalog.comands', '--all'], "dlq: unknown topic 'catalog.comands'"],
      [['inspect', '--topic', Topics.catalogCommands, '--offset', '7'], "dlq: --offset '7' is not"],
      [['list', '--all'], 'dlq: list takes no --all'],
      [['list', '--topci', 'x'], "dlq: Unknown option '--topci' (see dlq --help)"],
      [['purge'], "dlq: unknown command 'purge'"],
      [[], 'dlq: missing command'],
    ])('%j exits 2 with one line on stderr', async (argv, message) => {
      const result = await bed.run(names, ...argv);

      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message)).toBe(true);
      expect(result.stderr.split('\n')).toHaveLength(2);
    });

    it('prints the usage for --help and exits 0', async () => {
      const result = await bed.run(names, 'replay', '--help');

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^usage: dlq <command> \[options\]\n/);
    });

    it('reports an unreachable broker (given by --brokers) in one line, exit 1, no stack trace', async () => {
      const result = await bed.run(names, 'list', '--brokers', '127.0.0.1:1');

      expect(result).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: 'dlq: Kafka: Connection error: connect ECONNREFUSED 127.0.0.1:1\n',
      });
    });
  });
});
