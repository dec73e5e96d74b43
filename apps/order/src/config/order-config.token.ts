export const ORDER_CONFIG = Symbol('order.config');
