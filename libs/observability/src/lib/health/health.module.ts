import {
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Logger,
  Module,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@shop/auth';

/**
 * A readiness check: resolves when its dependency answers, throws (or times
 * out) otherwise. A check that resolves with a `HealthState` reports its
 * state (e.g. a consumer `joining` its group) in place of `up`, without failing.
 */
export type HealthCheck = () => Promise<unknown>;

/** What a check resolves with to report a state other than `up`. */
export interface HealthState {
  state: string;
}

const isHealthState = (value: unknown): value is HealthState =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { state?: unknown }).state === 'string';
export type HealthChecks = Readonly<Record<string, HealthCheck>>;

const HEALTH_CHECKS = Symbol('shop.health.checks');
const CHECK_TIMEOUT_MS = 2_000;

export interface Readiness {
  status: 'ok';
  checks: Record<string, string>;
}

type CheckResult = { state: string } | { failure: string };

async function run(check: HealthCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    const answer = await Promise.race([check(), timeout]);
    return { state: isHealthState(answer) ? answer.state : 'up' };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (the process answers) and readiness (every dependency answers) for orchestrators. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthChecks) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process answers.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({
    description:
      'Every dependency answers: `{ status, checks: { <name>: "up" } }`; a check may report a state in place of "up" (the Kafka consumer: `joining` while its group admits it, then `joined`).',
  })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down (problem+json naming it; the reason is logged).',
  })
  async ready(): Promise<Readiness> {
    const entries = Object.entries(this.checks);
    const results = await Promise.all(entries.map(([, check]) => run(check)));
    const down = entries.flatMap(([name], index) => {
      const result = results[index];
      return result && 'failure' in result ? [{ name, reason: result.failure }] : [];
    });
    if (down.length > 0) {
      // The reasons (hosts, driver messages) go to the log; the answer names what is down.
      this.logger.warn({ msg: 'not ready', down });
      throw new ServiceUnavailableException(down.map(({ name }) => `${name}: down`).join('; '));
    }
    const states = entries.map(([name], index) => {
      const result = results[index];
      return [name, result && 'state' in result ? result.state : 'up'];
    });
    return { status: 'ok', checks: Object.fromEntries(states) };
  }
}

export interface HealthModuleOptions {
  inject?: unknown[];
  /** The readiness checks by name, e.g. `{ database: () => dataSource.query('SELECT 1'), kafka: () => messaging.check() }`. */
  useFactory: (...dependencies: never[]) => HealthChecks;
}

/** `/health/live` and `/health/ready` for one service. */
@Module({})
export class HealthModule {
  static forChecks(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          inject: (options.inject ?? []) as never[],
          useFactory: options.useFactory,
        },
      ],
    };
  }
}
