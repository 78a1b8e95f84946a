import { Module } from '@nestjs/common';
import { SlaController } from './sla.controller.js';
import { SlaLifecycleService } from './sla-lifecycle.service.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaPolicyPreviewService } from './sla-policy-preview.service.js';
import { SlaReportsService } from './sla-reports.service.js';

@Module({
  controllers: [SlaController],
  providers: [SlaLifecycleService, SlaPoliciesService, SlaPolicyPreviewService, SlaReportsService],
  exports: [SlaLifecycleService],
})
export class SlaModule {}
