export {
  bootstrapService,
  startService,
  type ListeningApp,
  type ServiceBootstrap,
} from './lib/bootstrap-service';
export { InvalidConfigurationError } from './lib/invalid-configuration.error';
export { parseConfig } from './lib/parse-config';
