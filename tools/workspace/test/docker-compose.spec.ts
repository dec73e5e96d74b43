import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_DATABASES } from '@shop/infra';
import { parse } from 'yaml';

const workspaceRoot = resolve(__dirname, '../../..');

interface ComposeService {
  image?: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: unknown };
  environment?: Record<string, string>;
}

interface ComposeFile {
  'x-dev-passwords': Record<string, string>;
  services: Record<string, ComposeService>;
}

const compose = parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;
const initScriptPath = join(workspaceRoot, 'deploy/postgres/init-service-databases.sh');
const initScript = readFileSync(initScriptPath, 'utf8');

describe('docker-compose.yml', () => {
  it.each(['postgres', 'mongodb', 'kafka'])(
    'has %s with a healthcheck and loopback-only ports',
    (name) => {
      const service = compose.services[name];

      const healthcheck = service?.healthcheck?.test as string[] | undefined;
      expect(healthcheck?.[0]).toMatch(/^CMD(-SHELL)?$/);
      expect(healthcheck?.length).toBeGreaterThan(1);
      expect(service?.ports?.length).toBeGreaterThan(0);
      for (const port of service?.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    },
  );

  it('runs the service-database init script, which exists and is executable', () => {
    const mount = compose.services['postgres']?.volumes?.find((volume) =>
      volume.includes('docker-entrypoint-initdb.d'),
    );

    expect(mount?.split(':')[0]).toBe('./deploy/postgres/init-service-databases.sh');
    expect(() => accessSync(initScriptPath, constants.X_OK)).not.toThrow();
  });

  // tools/infra builds the Docker-mode connection URLs from these defaults.
  it.each(SERVICE_DATABASES.map((entry) => [entry.service, entry] as const))(
    'creates the %s database and role with the password the provisioner expects',
    (_service, { role, database }) => {
      const variable = `${role.toUpperCase()}_DB_PASSWORD`;

      expect(initScript).toContain(
        `create_service_database ${role} "\${${variable}:?}" ${database}`,
      );
      expect(compose['x-dev-passwords'][variable]).toBe(`\${${variable}:-${role}_dev}`);
      expect(compose.services['postgres']?.environment?.[variable]).toBe(
        compose['x-dev-passwords'][variable],
      );
    },
  );
});
