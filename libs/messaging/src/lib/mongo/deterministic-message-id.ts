import { createHash } from 'node:crypto';

/**
 * A UUIDv7-shaped id that depends only on its inputs: the time bits from
 * `time`, the rest from SHA-256 of `seed`. A handler without transactions
 * (MongoDB) derives its outgoing messages' ids from the message it handles
 * (`seed` = incoming id + purpose), so a retry writes the same ids again and
 * the outbox's unique `_id` turns the repeat into a no-op.
 */
export function deterministicMessageId(seed: string, time: Date): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  const millis = BigInt(time.getTime());
  for (let index = 0; index < 6; index += 1) {
    bytes[index] = Number((millis >> BigInt(8 * (5 - index))) & 0xffn);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
