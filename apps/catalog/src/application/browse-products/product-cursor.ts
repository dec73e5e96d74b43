import { InvalidCursorError } from '../../domain/catalog.errors';
import { type ProductSort } from './list-products.query';

/** Where a page ended: the sort key's value and the id of its last product (the tie-breaker). */
export interface ProductCursor {
  sort: ProductSort;
  value: string | number;
  id: string;
}

/** Opaque to clients (base64url JSON); bound to its sort, so it cannot be replayed on another. */
export function encodeProductCursor(cursor: ProductCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

export function decodeProductCursor(text: string, sort: ProductSort): ProductCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    decoded[0] !== sort ||
    !['string', 'number'].includes(typeof decoded[1]) ||
    typeof decoded[2] !== 'string'
  ) {
    throw new InvalidCursorError();
  }
  return { sort, value: decoded[1] as string | number, id: decoded[2] };
}
