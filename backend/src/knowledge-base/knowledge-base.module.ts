import { Module } from '@nestjs/common';
import { KbArticlesController } from './kb-articles.controller.js';
import { KbArticlesService } from './kb-articles.service.js';
import { KbAttachmentsService } from './kb-attachments.service.js';
import { KbSearchCache } from './kb-search-cache.js';
import { KbSearchController } from './kb-search.controller.js';
import { KbSearchService } from './kb-search.service.js';
import { KbTaxonomyController } from './kb-taxonomy.controller.js';
import { KbTaxonomyService } from './kb-taxonomy.service.js';
import { KbUploadInterceptor } from './kb-upload.interceptor.js';
import { OptionalAuthGuard } from './optional-auth.guard.js';

@Module({
  controllers: [KbTaxonomyController, KbSearchController, KbArticlesController],
  providers: [
    KbTaxonomyService,
    KbArticlesService,
    KbAttachmentsService,
    KbSearchService,
    KbSearchCache,
    KbUploadInterceptor,
    OptionalAuthGuard,
  ],
  exports: [KbArticlesService, KbSearchService],
})
export class KnowledgeBaseModule {}
