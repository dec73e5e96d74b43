import './instrumentation';
import 'reflect-metadata';
import { bootstrapService } from '@shop/service-kit';
import { loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './gateway-app';

bootstrapService({
  name: 'gateway',
  loadConfig: loadGatewayConfig,
  createApp: createGatewayApp,
  // Fastify listens on loopback only unless told otherwise.
  host: '0.0.0.0',
});
