/** How a consumed message was settled: the label of `messages_consumed_total`. */
export type MessageOutcome = 'processed' | 'duplicate' | 'ignored' | 'dead-lettered';
