import { Controller, Get, Header, Param, ParseUUIDPipe, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { contentDisposition } from '../common/attachment-storage.js';
import { EmailAttachmentsService } from './email-attachments.service.js';

// Raster images may render in the page (inline images of an HTML mail); anything else a sender chose
// (HTML, SVG, scripts) is only ever downloaded.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

@ApiTags('email')
@ApiBearerAuth()
@Roles(UserRole.ADMIN, UserRole.AGENT, UserRole.CUSTOMER)
@Controller('email/attachments')
export class EmailAttachmentsController {
  constructor(private readonly attachments: EmailAttachmentsService) {}

  @Get(':id')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  @ApiOperation({ summary: 'Download an attachment or inline image of a stored e-mail' })
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiNotFoundResponse({
    description: 'Unknown, or not visible to the caller (customers: their own tickets, public mail only)',
  })
  async download(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    const { attachment, stream } = await this.attachments.open(user, id);
    const inline = INLINE_TYPES.has(attachment.contentType);
    return new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: contentDisposition(inline ? 'inline' : 'attachment', attachment.fileName),
    });
  }
}
