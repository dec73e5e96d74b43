import { ReserveStockV1 } from '../catalog/stock.commands';
import { UserRegisteredV1 } from '../user/user.events';
import { ContractViolationError } from './contract-violation.error';
import { createMessage } from './message-factory';
import { headersOf } from './message-envelope';

const orderId = '0190f5a2-7b1c-7d4e-8f00-000000000001';
const productId = '0190f5a2-7b1c-7d4e-8f00-0000000000aa';

describe('createMessage', () => {
  it('wraps valid data in an envelope keyed by the aggregate id', () => {
    const message = createMessage(
      ReserveStockV1,
      { orderId, items: [{ productId, quantity: 2 }] },
      { source: 'order', correlationId: orderId, time: new Date('2026-11-27T10:00:00Z') },
    );

    expect(message.topic).toBe('catalog.commands');
    expect(message.key).toBe(orderId);
    expect(message.envelope).toMatchObject({
      type: 'catalog.ReserveStock.v1',
      source: 'order',
      time: '2026-11-27T10:00:00.000Z',
      correlationId: orderId,
      causationId: null,
      data: { orderId, items: [{ productId, quantity: 2 }] },
    });
    expect(message.envelope.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('refuses data that breaks the contract, naming the field', () => {
    const build = () =>
      createMessage(
        ReserveStockV1,
        { orderId, items: [{ productId, quantity: 0 }] },
        { source: 'order', correlationId: orderId },
      );

    expect(build).toThrow(ContractViolationError);
    expect(build).toThrow(/items\[0\]\.quantity/);
  });

  it('refuses a traceparent that is not W3C', () => {
    expect(() =>
      createMessage(
        UserRegisteredV1,
        { userId: orderId, email: 'ada@example.test', roles: ['customer'] },
        { source: 'user', correlationId: orderId, traceparent: 'not-a-traceparent' },
      ),
    ).toThrow(expect.objectContaining({ reason: 'invalid-envelope' }));
  });

  it('repeats the ids in Kafka headers', () => {
    const { envelope } = createMessage(
      UserRegisteredV1,
      { userId: orderId, email: 'ada@example.test', roles: ['customer'] },
      {
        source: 'user',
        correlationId: orderId,
        causationId: 'request-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    );

    expect(headersOf(envelope)).toEqual({
      'message-id': envelope.id,
      'message-type': 'user.UserRegistered.v1',
      'message-source': 'user',
      'correlation-id': orderId,
      'causation-id': 'request-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });
});
