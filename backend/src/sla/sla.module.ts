import { Module } from '@nestjs/common';
import { SlaController } from './sla.controller.js';
import { SlaLifecycleService } from './sla-lifecycle.service.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaReportsService } from './sla-reports.service.js';

@Module({
  controllers: [SlaController],
  providers: [SlaLifecycleService, SlaPoliciesService, SlaReportsService],
  exports: [SlaLifecycleService],
})
export class SlaModule {}
