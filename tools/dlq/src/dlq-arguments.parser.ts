import { ALL_TOPICS, DLQ_SUFFIX, type Topic } from '@shop/contracts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DlqError } from './dlq.error';

export const DLQ_USAGE = `usage: dlq <command> [options]

  list    [--topic <topic>] [--json]
          the dead letters of one topic, or of every topic that has a dead-letter topic
  inspect --topic <topic> --offset <partition:offset> [--json]
          one dead letter in full: headers, key, value
  replay  --topic <topic> (--offset <partition:offset> ... | --all) [--dry-run]
          sends dead letters back to their original topic

options of every command:
  --brokers <host:port[,host:port...]>  default: $KAFKA_BROKERS
  --topic-prefix <prefix>               default: $KAFKA_TOPIC_PREFIX, or none
  --verbose                             also print kafkajs's own log
  -h, --help                            this text

topics: ${ALL_TOPICS.join(', ')} (a topic's .dlq name works too)
exit codes: 0 done, 1 failed (Kafka, no such dead letter), 2 wrong arguments
`;

export interface KafkaConnection {
  brokers: string[];
  topicPrefix: string;
  verbose: boolean;
}

/** Where a dead letter sits in its dead-letter topic. */
export interface LetterPosition {
  partition: number;
  offset: string;
}

export type DlqInvocation =
  | { command: 'help' }
  | { command: 'list'; connection: KafkaConnection; topic: Topic | null; json: boolean }
  | {
      command: 'inspect';
      connection: KafkaConnection;
      topic: Topic;
      position: LetterPosition;
      json: boolean;
    }
  | {
      command: 'replay';
      connection: KafkaConnection;
      topic: Topic;
      selection: LetterPosition[] | 'all';
      dryRun: boolean;
    };

const OPTIONS = {
  brokers: { type: 'string' },
  'topic-prefix': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  topic: { type: 'string' },
  offset: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;
type Command = Exclude<DlqInvocation['command'], 'help'>;

const SHARED_OPTIONS: readonly OptionName[] = ['brokers', 'topic-prefix', 'verbose', 'help'];
// One option table keeps the parsed values typed; this says which command takes what.
const COMMAND_OPTIONS: Record<Command, readonly OptionName[]> = {
  list: ['topic', 'json'],
  inspect: ['topic', 'offset', 'json'],
  replay: ['topic', 'offset', 'all', 'dry-run'],
};

const isCommand = (word: string): word is Command => Object.hasOwn(COMMAND_OPTIONS, word);

/** Reads `dlq <command> [options]`; throws a usage DlqError for anything it cannot act on. */
export function parseDlqArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DlqInvocation {
  const [command, ...rest] = argv;
  if (command === undefined) {
    throw DlqError.usage('missing command: list, inspect or replay (see dlq --help)');
  }
  if (command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (!isCommand(command)) {
    throw DlqError.usage(`unknown command '${command}': expected list, inspect or replay`);
  }

  const { values, positionals } = parseOptions(rest);
  if (values.help) return { command: 'help' };
  if (positionals.length > 0) {
    throw DlqError.usage(`unexpected argument '${positionals[0]}' (see dlq --help)`);
  }
  const given = (Object.keys(values) as OptionName[]).filter((name) => values[name] !== undefined);
  const foreign = given.find(
    (name) => !SHARED_OPTIONS.includes(name) && !COMMAND_OPTIONS[command].includes(name),
  );
  if (foreign !== undefined) throw DlqError.usage(`${command} takes no --${foreign}`);

  const connection = connectionOf(values, env);
  const json = values.json ?? false;
  switch (command) {
    case 'list':
      return {
        command,
        connection,
        topic: values.topic === undefined ? null : topicOf(values.topic),
        json,
      };
    case 'inspect': {
      const topic = topicOf(required(values.topic, 'inspect needs --topic <topic>'));
      const offsets = values.offset ?? [];
      if (offsets.length !== 1) {
        throw DlqError.usage('inspect needs exactly one --offset <partition:offset>');
      }
      return { command, connection, topic, position: positionOf(offsets[0] ?? ''), json };
    }
    case 'replay': {
      const topic = topicOf(required(values.topic, 'replay needs --topic <topic>'));
      const offsets = values.offset ?? [];
      if (values.all && offsets.length > 0) {
        throw DlqError.usage('replay takes either --offset or --all, not both');
      }
      // Replaying a whole topic by accident is the mistake this guards against.
      if (!values.all && offsets.length === 0) {
        throw DlqError.usage(
          'replay needs the dead letters to send: --offset <partition:offset> (repeatable) or --all',
        );
      }
      return {
        command,
        connection,
        topic,
        selection: values.all ? 'all' : uniquePositions(offsets.map(positionOf)),
        dryRun: values['dry-run'] ?? false,
      };
    }
  }
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    if (isParseArgsError(error)) {
      // Its first sentence names the option; the rest is a hint about `--` that does not apply here.
      throw DlqError.usage(`${error.message.split(/\.\s/, 1)[0]} (see dlq --help)`);
    }
    throw error;
  }
}

// By code, not `instanceof TypeError`: Node's error may come from another realm (Jest's, for one).
function isParseArgsError(error: unknown): error is { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') && typeof message === 'string'
  );
}

function connectionOf(
  values: { brokers?: string; 'topic-prefix'?: string; verbose?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): KafkaConnection {
  const list = values.brokers ?? env['KAFKA_BROKERS'] ?? '';
  const brokers = list
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw DlqError.usage('no brokers: pass --brokers <host:port> or set KAFKA_BROKERS');
  }
  const malformed = brokers.find((broker) => !/^\S+:\d+$/.test(broker));
  if (malformed !== undefined) {
    throw DlqError.usage(`broker '${malformed}' is not host:port`);
  }
  return {
    brokers,
    topicPrefix: values['topic-prefix'] ?? env['KAFKA_TOPIC_PREFIX'] ?? '',
    verbose: values.verbose ?? false,
  };
}

function topicOf(name: string): Topic {
  const logical = name.endsWith(DLQ_SUFFIX) ? name.slice(0, -DLQ_SUFFIX.length) : name;
  const topic = ALL_TOPICS.find((known) => known === logical);
  if (topic === undefined) {
    throw DlqError.usage(`unknown topic '${name}': expected one of ${ALL_TOPICS.join(', ')}`);
  }
  return topic;
}

function positionOf(text: string): LetterPosition {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (match === null) {
    throw DlqError.usage(`--offset '${text}' is not <partition>:<offset>, e.g. 0:42`);
  }
  // Offsets are 64-bit: kept as decimal strings (as kafkajs does), leading zeros dropped.
  return { partition: Number(match[1]), offset: BigInt(match[2] ?? '').toString() };
}

function uniquePositions(positions: LetterPosition[]): LetterPosition[] {
  const seen = new Map(positions.map((position) => [positionKey(position), position]));
  return [...seen.values()];
}

function required(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw DlqError.usage(message);
  return value;
}

export const positionKey = ({ partition, offset }: LetterPosition): string =>
  `${partition}:${offset}`;
