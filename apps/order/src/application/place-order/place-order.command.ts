import { type ShippingAddress } from '../../domain/order';

export interface PlaceOrderCommand {
  customerId: string;
  /** The caller's token, forwarded to the user service. */
  bearerToken: string;
  idempotencyKey: string;
  items: { productId: string; quantity: number }[];
  paymentMethodToken: string;
  shippingAddress: ShippingAddress;
  traceparent?: string;
}

export interface PlaceOrderResult {
  orderId: string;
  status: 'PENDING';
  /** True when the Idempotency-Key was seen before and this is the first answer again. */
  replayed: boolean;
}
