import { BadRequestException, Injectable, NotFoundException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import {
  ALLOWED_ATTACHMENT_TYPES,
  contentTypeOf,
  maxBytesFromEnv,
  storeUpload,
  type UploadedFileLike,
} from '../common/attachment-storage.js';
import { AttachmentFiles } from '@nixflow/storage';
import { PrismaService } from '../prisma/prisma.service.js';
import { KbArticlesService } from './kb-articles.service.js';

// Storage helpers live in common/ (shared with form submissions); re-exported for existing importers.
export {
  ALLOWED_ATTACHMENT_TYPES,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  contentDisposition,
  insideRoot,
  safeFileName,
  type UploadedFileLike,
} from '../common/attachment-storage.js';

export function maxAttachmentBytes(env: NodeJS.ProcessEnv = process.env): number {
  return maxBytesFromEnv('KB_MAX_ATTACHMENT_BYTES', env);
}

const ATTACHMENT_SELECT = {
  id: true,
  articleId: true,
  fileName: true,
  contentType: true,
  sizeBytes: true,
  sha256: true,
  uploadedById: true,
  createdAt: true,
} as const;

@Injectable()
export class KbAttachmentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly articles: KbArticlesService,
    private readonly files: AttachmentFiles,
  ) {}

  async upload(user: AuthUser, articleId: string, file: UploadedFileLike | undefined) {
    if (!file) throw new BadRequestException('Send the file as multipart field "file"');
    const contentType = contentTypeOf(file);
    if (!ALLOWED_ATTACHMENT_TYPES.has(contentType)) {
      throw new UnsupportedMediaTypeException(`File type ${contentType || 'unknown'} is not allowed`);
    }
    const article = await this.articles.findVisible(user, articleId);
    const stored = await storeUpload(this.files, ['kb', article.id], file);
    try {
      return await this.prisma.knowledgeArticleAttachment.create({
        data: {
          articleId: article.id,
          fileName: stored.fileName,
          contentType: stored.contentType,
          sizeBytes: stored.sizeBytes,
          storagePath: stored.storagePath,
          sha256: stored.sha256,
          uploadedById: user.id,
        },
        select: ATTACHMENT_SELECT,
      });
    } catch (err) {
      await this.files.remove(stored.storagePath);
      throw err;
    }
  }

  async list(user: AuthUser | undefined, articleId: string) {
    const article = await this.articles.findVisible(user, articleId);
    return this.prisma.knowledgeArticleAttachment.findMany({
      where: { articleId: article.id },
      select: ATTACHMENT_SELECT,
      orderBy: { createdAt: 'asc' },
    });
  }

  async open(user: AuthUser | undefined, articleId: string, attachmentId: string) {
    const article = await this.articles.findVisible(user, articleId);
    const att = await this.prisma.knowledgeArticleAttachment.findFirst({
      where: { id: attachmentId, articleId: article.id },
    });
    if (!att) throw new NotFoundException('Attachment not found');
    return { attachment: att };
  }

  async remove(articleId: string, attachmentId: string): Promise<void> {
    const att = await this.prisma.knowledgeArticleAttachment.findFirst({ where: { id: attachmentId, articleId } });
    if (!att) throw new NotFoundException('Attachment not found');
    await this.prisma.knowledgeArticleAttachment.delete({ where: { id: att.id } });
    await this.files.remove(att.storagePath);
  }
}
