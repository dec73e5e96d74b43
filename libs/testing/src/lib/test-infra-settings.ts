/** The server settings a test reads, put in the environment by the Jest global setup. */
export interface TestInfraSettings {
  databaseUrl: string;
  mongodbUrl: string;
  mongodbServer: string;
  kafkaBrokers: string[];
}

export function testInfraSettings(env: NodeJS.ProcessEnv = process.env): TestInfraSettings {
  const missing = ['DATABASE_URL', 'MONGODB_URL', 'KAFKA_BROKERS'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: run tests through \`npm test\` or \`npx nx test <project>\` ` +
        '(the Jest global setup provisions the servers), or export them from `npm run -s infra:env`.',
    );
  }
  return {
    databaseUrl: env['DATABASE_URL'] ?? '',
    mongodbUrl: env['MONGODB_URL'] ?? '',
    mongodbServer: env['MONGODB_SERVER'] ?? 'unknown',
    kafkaBrokers: (env['KAFKA_BROKERS'] ?? '').split(',').map((broker) => broker.trim()),
  };
}
