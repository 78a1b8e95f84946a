import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestException, Injectable, NotFoundException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { insideRoot, safeFileName, uploadRoot } from '../common/attachment-storage.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { KbArticlesService } from './kb-articles.service.js';

export const ALLOWED_ATTACHMENT_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/zip',
  'application/x-zip-compressed',
]);

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export function maxAttachmentBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env.KB_MAX_ATTACHMENT_BYTES ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_ATTACHMENT_BYTES;
}

// Shared with email and forms; re-exported for the knowledge-base callers.
export { insideRoot, safeFileName, uploadRoot } from '../common/attachment-storage.js';

export interface UploadedFileLike {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
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
  ) {}

  async upload(user: AuthUser, articleId: string, file: UploadedFileLike | undefined) {
    if (!file) throw new BadRequestException('Send the file as multipart field "file"');
    const contentType = (file.mimetype || '').toLowerCase().split(';')[0]!.trim();
    if (!ALLOWED_ATTACHMENT_TYPES.has(contentType)) {
      throw new UnsupportedMediaTypeException(`File type ${contentType || 'unknown'} is not allowed`);
    }
    const article = await this.articles.findVisible(user, articleId);
    const root = uploadRoot();
    const displayName = safeFileName(file.originalname);
    const rel = path.join('kb', article.id, `${randomBytes(8).toString('hex')}-${displayName}`);
    const full = insideRoot(root, rel);
    await fs.promises.mkdir(path.dirname(full), { recursive: true });
    await fs.promises.writeFile(full, file.buffer, { flag: 'wx' });
    try {
      return await this.prisma.knowledgeArticleAttachment.create({
        data: {
          articleId: article.id,
          fileName: displayName,
          contentType,
          sizeBytes: file.size,
          storagePath: rel.split(path.sep).join('/'),
          sha256: createHash('sha256').update(file.buffer).digest('hex'),
          uploadedById: user.id,
        },
        select: ATTACHMENT_SELECT,
      });
    } catch (err) {
      await fs.promises.rm(full, { force: true });
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
    const full = insideRoot(uploadRoot(), att.storagePath);
    try {
      await fs.promises.access(full, fs.constants.R_OK);
    } catch {
      throw new NotFoundException('Attachment file is missing');
    }
    return { attachment: att, stream: fs.createReadStream(full) };
  }

  async remove(articleId: string, attachmentId: string): Promise<void> {
    const att = await this.prisma.knowledgeArticleAttachment.findFirst({ where: { id: attachmentId, articleId } });
    if (!att) throw new NotFoundException('Attachment not found');
    await this.prisma.knowledgeArticleAttachment.delete({ where: { id: att.id } });
    await fs.promises.rm(insideRoot(uploadRoot(), att.storagePath), { force: true });
  }
}

/** RFC 6266 Content-Disposition with an ASCII fallback and a UTF-8 filename*. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
