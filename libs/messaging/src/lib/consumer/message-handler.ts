import { type ParsedMessage } from '@shop/contracts';

/** Handles one message inside the inbox transaction `TTransaction` (e.g. an EntityManager). */
export type MessageHandler<TTransaction> = (
  message: ParsedMessage,
  transaction: TTransaction,
) => Promise<void>;
