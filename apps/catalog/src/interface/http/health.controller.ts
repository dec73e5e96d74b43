import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@shop/auth';
import { type Connection } from 'mongoose';

/** Liveness (the process answers) and readiness (its database answers) for orchestrators. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: { database: 'up' } }> {
    const db = this.connection.db;
    if (!db) throw new ServiceUnavailableException('database: not connected');
    try {
      await db.admin().ping();
    } catch (error) {
      throw new ServiceUnavailableException(`database: ${(error as Error).message}`);
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
