export { APP_NAMES, type AppName, DEFAULT_PORTS, SERVICE_NODE_FLAGS, START_WAVES } from './apps';
export { buildApps } from './build-apps';
export { demoSigningKey } from './demo-signing-key';
export { DEFAULT_RESTART_POLICY, type RestartPolicy, SupervisedApp } from './supervised-app';
export { type Account, type RunningSystem, type SystemOptions, startSystem } from './system';
export { DEMO_DIRECTORY, DEMO_PIDS_PATH, demoAccounts } from './demo-accounts';
