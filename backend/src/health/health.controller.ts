import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/decorators.js';
import { HealthService, type ReadinessReport } from './health.service.js';

interface Res {
  status(code: number): unknown;
}

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOkResponse({
    description: 'Liveness',
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({
    description:
      'ready: database, Redis and schema are up; degraded: Redis is down (requests are served, background jobs wait)',
  })
  @ApiServiceUnavailableResponse({ description: 'Database or schema not ready; checks say what' })
  async ready(@Res({ passthrough: true }) res: Res): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    res.status(report.status === 'not_ready' ? 503 : 200);
    return report;
  }
}
