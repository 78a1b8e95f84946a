import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  type SchemaObject,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/decorators.js';
import { HealthService, type ReadinessReport } from './health.service.js';

interface Res {
  status(code: number): unknown;
}

const CHECK_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['up', 'down'] }, error: { type: 'string' } },
  additionalProperties: true,
};

/** The readiness report (200 ready/degraded, 503 not_ready). */
const READINESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'degraded', 'not_ready'] },
    checks: {
      type: 'object',
      required: ['database', 'redis', 'schema'],
      properties: { database: CHECK_SCHEMA, redis: CHECK_SCHEMA, schema: CHECK_SCHEMA },
    },
  },
};

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({
    description: 'Liveness',
    schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, Redis and schema' })
  @ApiOkResponse({
    description:
      'ready: database, Redis and schema are up; degraded: Redis is down (requests are served, background jobs wait)',
    schema: READINESS_SCHEMA,
  })
  @ApiServiceUnavailableResponse({
    description: 'Database or schema not ready; checks say what',
    schema: READINESS_SCHEMA,
  })
  async ready(@Res({ passthrough: true }) res: Res): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    res.status(report.status === 'not_ready' ? 503 : 200);
    return report;
  }
}
