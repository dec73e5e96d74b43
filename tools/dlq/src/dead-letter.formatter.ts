import { MessageHeaders } from '@shop/contracts';
import { DeadLetterHeaders } from '@shop/contracts';
import { type StoredDeadLetter } from '@shop/messaging';

/** A dead letter with the (physical) dead-letter topic it was read from. */
export interface LocatedLetter {
  dlqTopic: string;
  letter: StoredDeadLetter;
}

const SHORT_ERROR_LENGTH = 80;
const NONE = '-';
const LABEL_WIDTH = 'consumer group'.length + 2;

export const letterPosition = ({ letter }: LocatedLetter): string =>
  `${letter.partition}:${letter.offset}`;

const messageType = (letter: StoredDeadLetter): string =>
  letter.headers[MessageHeaders.type] || NONE;

const origin = (letter: StoredDeadLetter): string =>
  `${letter.originalTopic} ${letter.originalPartition}:${letter.originalOffset}`;

function shortError(error: string): string {
  const firstLine = error.split('\n', 1)[0]?.trim() ?? '';
  if (firstLine === '') return NONE;
  return firstLine.length > SHORT_ERROR_LENGTH
    ? `${firstLine.slice(0, SHORT_ERROR_LENGTH - 1)}…`
    : firstLine;
}

/** One aligned line per letter, no header row: each line stands alone for grep and wc -l. */
export function formatLetterLines(letters: readonly LocatedLetter[]): string {
  const rows = letters.map((located) => {
    const { letter } = located;
    return [
      located.dlqTopic,
      letterPosition(located),
      letter.reason || NONE,
      messageType(letter),
      `from ${origin(letter)}`,
      letter.failedAt || NONE,
      shortError(letter.error),
    ];
  });
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths?.[column] ?? 0),
        )
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Everything about one letter, for `inspect`. */
export function formatLetterDetails(located: LocatedLetter): string {
  const { letter } = located;
  const fields: [string, string][] = [
    ['dead letter', `${located.dlqTopic} ${letterPosition(located)}`],
    ['reason', letter.reason || NONE],
    ['message type', messageType(letter)],
    ['original', origin(letter)],
    ['consumer group', letter.headers[DeadLetterHeaders.consumerGroup] || NONE],
    ['attempts', String(letter.attempts)],
    ['failed at', letter.failedAt || NONE],
    ['key', letter.key ?? '(none)'],
  ];
  const headerNames = Object.keys(letter.headers);
  const headerWidth = Math.max(0, ...headerNames.map((name) => name.length));
  return [
    ...fields.map(([label, value]) => `${label.padEnd(LABEL_WIDTH)}${value}`),
    'error',
    indent(letter.error || NONE),
    'headers',
    ...(headerNames.length === 0
      ? ['  (none)']
      : headerNames.map(
          // A multi-line value (dlq-error's stack) stays in the value column.
          (name) =>
            `  ${name.padEnd(headerWidth)}  ${hang(letter.headers[name] ?? '', headerWidth + 4)}`,
        )),
    'value',
    indent(letter.value === null ? '(none)' : prettyValue(letter.value)),
    '',
  ].join('\n');
}

/** The letter as `--json` prints it: every field, plus where it was read from. */
export function letterJson({ dlqTopic, letter }: LocatedLetter) {
  return { dlqTopic, ...letter, messageType: letter.headers[MessageHeaders.type] ?? null };
}

function prettyValue(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch (error) {
    // A value that is not JSON (often the very reason it was dead-lettered) is shown as it is.
    if (error instanceof SyntaxError) return value;
    throw error;
  }
}

/** Indents every line after the first by `width`, under the first line's text. */
const hang = (text: string, width: number): string => text.replace(/\n/g, `\n${' '.repeat(width)}`);

const indent = (text: string): string => `  ${hang(text, 2)}`;
