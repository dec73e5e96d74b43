import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type UpstreamName } from '../config/route-table';
import { Upstreams, UPSTREAM_NAMES } from '../proxy/upstreams';

type UpstreamHealth = 'up' | 'down';
type Checks = Record<UpstreamName, UpstreamHealth>;

/**
 * Liveness; readiness, which reports every service behind the gateway and
 * fails only when none answers (with one service down the gateway still
 * serves the others, its stale product reads and partial order details: an
 * orchestrator must keep sending it traffic); and `/health/upstreams`, which
 * fails while any service is down (what the demo and compose wait for).
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
  async ready(): Promise<{ status: 'ok' | 'degraded'; upstreams: Checks }> {
    const upstreams = await this.check();
    const down = Object.values(upstreams).filter((health) => health === 'down').length;
    if (down === UPSTREAM_NAMES.length) {
      throw new HttpException(
        { message: 'not ready: no service answers', upstreams },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: down === 0 ? 'ok' : 'degraded', upstreams };
  }

  @Get('upstreams')
  async all(): Promise<{ status: 'ok'; upstreams: Checks }> {
    const upstreams = await this.check();
    const down = UPSTREAM_NAMES.filter((name) => upstreams[name] === 'down');
    if (down.length > 0) {
      throw new HttpException(
        { message: `down: ${down.join(', ')}`, upstreams },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok', upstreams };
  }

  /** Each service's own readiness, through its client (so an open circuit reads as down at once). */
  private async check(): Promise<Checks> {
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
    return Object.fromEntries(checks) as Checks;
  }
}
