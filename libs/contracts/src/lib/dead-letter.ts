// The dead-letter format is a contract too: tools and other teams read it.
/** Headers a dead letter carries besides the original message's own. */
export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** Why a message was dead-lettered: a contract violation, no handler, or a handler that kept failing. */
export const DEAD_LETTER_REASONS = [
  'unparseable',
  'invalid-envelope',
  'unknown-type',
  'invalid-data',
  'no-handler',
  'non-retriable',
  'handler-failed',
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** The header a replayed message carries: where in the DLQ it came from. */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';
