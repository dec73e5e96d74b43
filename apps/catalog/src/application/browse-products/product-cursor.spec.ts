import { InvalidCursorError } from '../../domain/catalog.errors';
import { decodeProductCursor, encodeProductCursor } from './product-cursor';

describe('product cursor', () => {
  const cursor = {
    sort: 'price' as const,
    value: 1299,
    id: '0190f5a2-7b1c-7d4e-8f00-000000000001',
  };

  it('round-trips through its opaque text', () => {
    expect(decodeProductCursor(encodeProductCursor(cursor), 'price')).toEqual(cursor);
  });

  it('refuses a cursor issued for another sort, or text it never issued', () => {
    const text = encodeProductCursor(cursor);

    expect(() => decodeProductCursor(text, 'name')).toThrow(InvalidCursorError);
    expect(() => decodeProductCursor('not-a-cursor', 'price')).toThrow(InvalidCursorError);
    expect(() =>
      decodeProductCursor(Buffer.from('{"sort":"price"}').toString('base64url'), 'price'),
    ).toThrow(InvalidCursorError);
  });
});
