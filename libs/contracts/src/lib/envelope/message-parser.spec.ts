import { ReserveStockV1 } from '../catalog/stock.commands';
import { MESSAGE_CATALOG } from '../message-catalog';
import { createMessage } from './message-factory';
import { parseMessage } from './message-parser';

const orderId = '0190f5a2-7b1c-7d4e-8f00-000000000001';
const productId = '0190f5a2-7b1c-7d4e-8f00-0000000000aa';
const valid = createMessage(
  ReserveStockV1,
  { orderId, items: [{ productId, quantity: 1 }] },
  { source: 'order', correlationId: orderId },
).envelope;

describe('parseMessage', () => {
  it('returns the envelope and its definition for a valid message', () => {
    const parsed = parseMessage(Buffer.from(JSON.stringify(valid)));

    expect(parsed.envelope).toEqual(valid);
    expect(parsed.definition).toBe(ReserveStockV1);
  });

  it.each([
    ['no value', null, 'unparseable'],
    ['not JSON', '{"id": ', 'unparseable'],
    ['an envelope without an id', JSON.stringify({ ...valid, id: undefined }), 'invalid-envelope'],
    [
      'an unknown field in the envelope',
      JSON.stringify({ ...valid, extra: 1 }),
      'invalid-envelope',
    ],
    [
      'a type nobody defined',
      JSON.stringify({ ...valid, type: 'catalog.Teleport.v1' }),
      'unknown-type',
    ],
    [
      'data that breaks the schema',
      JSON.stringify({ ...valid, data: { orderId, items: [] } }),
      'invalid-data',
    ],
  ])('rejects %s with reason %s', (_case, raw, reason) => {
    expect(() => parseMessage(raw)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('the message catalog', () => {
  it('has every command with a success and a failure reply', () => {
    const types = [...MESSAGE_CATALOG.keys()];
    const commands = [...MESSAGE_CATALOG.values()].filter(
      (definition) => definition.kind === 'command',
    );

    expect(commands.map((command) => command.type).sort()).toEqual([
      'catalog.CommitStock.v1',
      'catalog.ReleaseStock.v1',
      'catalog.ReserveStock.v1',
      'payment.AuthorizePayment.v1',
      'payment.CapturePayment.v1',
      'payment.RefundPayment.v1',
      'payment.VoidPayment.v1',
    ]);
    for (const command of commands) {
      const name = command.type.replace(/\.v\d+$/, '');
      expect(types).toEqual(expect.arrayContaining([`${name}Succeeded.v1`, `${name}Failed.v1`]));
    }
  });

  it('has the domain events of every service', () => {
    const events = [...MESSAGE_CATALOG.values()]
      .filter((definition) => definition.kind === 'event')
      .map((definition) => definition.type);

    expect(events.sort()).toEqual([
      'catalog.ProductCreated.v1',
      'catalog.ProductPriceChanged.v1',
      'catalog.StockLow.v1',
      'order.OrderApproved.v1',
      'order.OrderCancelled.v1',
      'order.OrderPlaced.v1',
      'order.OrderRejected.v1',
      'payment.PaymentAuthorized.v1',
      'payment.PaymentCaptured.v1',
      'payment.PaymentDeclined.v1',
      'payment.PaymentRefunded.v1',
      'payment.PaymentVoided.v1',
      'user.UserRegistered.v1',
    ]);
  });
});
