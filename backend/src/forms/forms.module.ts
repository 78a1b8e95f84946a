import { AccountModule } from '../auth/account.module.js';
import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { FormSubmissionsController } from './form-submissions.controller.js';
import { FormSubmissionsService } from './form-submissions.service.js';
import { AnswersKeysInterceptor } from './answers-keys.interceptor.js';
import { FormAnswersValidator } from './form-answers.validator.js';
import { FormSubmitThrottlerGuard } from './form-submit-throttler.guard.js';
import { FormUploadInterceptor } from './form-upload.interceptor.js';
import { FormsController } from './forms.controller.js';
import { FormsService } from './forms.service.js';
import { OptionalAuthGuard } from '../knowledge-base/optional-auth.guard.js';

@Module({
  imports: [TicketsModule, AccountModule],
  controllers: [FormsController, FormSubmissionsController],
  providers: [
    FormsService,
    FormSubmissionsService,
    FormAnswersValidator,
    AnswersKeysInterceptor,
    FormSubmitThrottlerGuard,
    FormUploadInterceptor,
    OptionalAuthGuard,
  ],
  exports: [FormsService],
})
export class FormsModule {}
