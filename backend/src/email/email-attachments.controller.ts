import { Controller, Get, Header, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import type { Response } from 'express';
import { DOWNLOAD_REDIRECT_DOC, StoredFileDownloads } from '../common/stored-file-downloads.js';
import { EmailAttachmentsService } from './email-attachments.service.js';

// Raster images may render in the page (inline images of an HTML mail); anything else a sender chose
// (HTML, SVG, scripts) is only ever downloaded.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

@ApiTags('email')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT, UserRole.CUSTOMER)
@Controller('email/attachments')
export class EmailAttachmentsController {
  constructor(
    private readonly attachments: EmailAttachmentsService,
    private readonly downloads: StoredFileDownloads,
  ) {}

  @Get(':id')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  @ApiOperation({ summary: 'Download an attachment or inline image of a stored e-mail' })
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiFoundResponse(DOWNLOAD_REDIRECT_DOC)
  @ApiNotFoundResponse({
    description: 'Unknown, or not visible to the caller (customers: their own tickets, public mail only)',
  })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const { attachment } = await this.attachments.open(user, id);
    const inline = INLINE_TYPES.has(attachment.contentType);
    await this.downloads.send(res, attachment, inline ? 'inline' : 'attachment');
  }
}
