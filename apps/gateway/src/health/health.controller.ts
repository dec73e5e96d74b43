import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type UpstreamName } from '../config/route-table';
import { Upstreams, UPSTREAM_NAMES } from '../proxy/upstreams';

type UpstreamHealth = 'up' | 'down';

/**
 * Liveness (the gateway answers) and readiness: ready when every service
 * behind it is ready, so an orchestrator (compose, the demo, Kubernetes)
 * sends no traffic to a gateway that would answer 503s. Each check asks the
 * service's own `/health/ready`, through its circuit breaker.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; upstreams: Record<UpstreamName, UpstreamHealth> }> {
    const checks = await Promise.all(
      UPSTREAM_NAMES.map(async (name): Promise<[UpstreamName, UpstreamHealth]> => {
        try {
          const { status } = await this.upstreams.get(name).request({ path: '/health/ready' });
          return [name, status === 200 ? 'up' : 'down'];
        } catch {
          // Unavailable is exactly what this check reports.
          return [name, 'down'];
        }
      }),
    );
    const upstreams = Object.fromEntries(checks) as Record<UpstreamName, UpstreamHealth>;
    if (checks.some(([, health]) => health === 'down')) {
      throw new HttpException(
        {
          message: `not ready: ${checks
            .filter(([, h]) => h === 'down')
            .map(([n]) => n)
            .join(', ')} down`,
          upstreams,
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok', upstreams };
  }
}
