import { Module } from '@nestjs/common';
import { SlaController } from './sla.controller.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaPolicyPreviewService } from './sla-policy-preview.service.js';
import { SlaReportsService } from './sla-reports.service.js';

/** SLA policy administration and reports; the lifecycle hooks are @nixflow/domain's SlaLifecycleService. */
@Module({
  controllers: [SlaController],
  providers: [SlaPoliciesService, SlaPolicyPreviewService, SlaReportsService],
})
export class SlaModule {}
