import { MESSAGING_MIGRATIONS } from '@shop/messaging';
import { SAGA_MIGRATIONS } from '@shop/saga/typeorm';
import { CreateOrders1764201603000 } from './migrations/1764201603000-create-orders.migration';

export const ORDER_MIGRATIONS = [
  ...MESSAGING_MIGRATIONS,
  ...SAGA_MIGRATIONS,
  CreateOrders1764201603000,
];
