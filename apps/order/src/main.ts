import './instrumentation';
import 'reflect-metadata';
import { bootstrapService } from '@shop/service-kit';
import { loadOrderConfig } from './config/order-config';
import { createOrderApp } from './order-app';

bootstrapService({
  name: 'order service',
  loadConfig: loadOrderConfig,
  createApp: createOrderApp,
});
