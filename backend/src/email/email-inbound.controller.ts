import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  Post,
  Req,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../auth/decorators.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { InboundResultDto } from './dto/email-message.dto.js';
import { hashInboundToken } from './email-accounts.service.js';
import { isInboundMailRequest } from './inbound-mail-types.js';
import { EmailInboundService, UnparseableMessageError } from '@nixflow/domain';

@ApiTags('email')
@Controller('email/inbound')
export class EmailInboundController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly inbound: EmailInboundService,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver one raw RFC 822 message to the account the token belongs to (provider webhooks, tests)',
  })
  @ApiHeader({ name: 'Authorization', required: false, description: 'Bearer <inbound token of the account>' })
  @ApiHeader({ name: 'X-Nixflow-Inbound-Token', required: false, description: 'Alternative to Authorization' })
  @ApiConsumes('message/rfc822', 'text/plain')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: InboundResultDto, description: 'Stored (or recognised as a duplicate: `duplicate: true`)' })
  @ApiUnauthorizedResponse({ description: 'Missing or unknown token, or the account is inactive' })
  @ApiBadRequestResponse({ description: 'Not a mail message' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than EMAIL_INBOUND_MAX_BYTES' })
  async receive(
    @Req() req: IncomingMessage & { body?: unknown },
    @Headers('authorization') authorization?: string,
    @Headers('x-nixflow-inbound-token') headerToken?: string,
  ): Promise<InboundResultDto> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const token = (headerToken ?? '').trim() || bearer;
    if (!token) throw new UnauthorizedException('Send the account inbound token as Authorization: Bearer <token>');
    const account = await this.prisma.emailAccount.findUnique({ where: { inboundTokenHash: hashInboundToken(token) } });
    if (!account || !account.isActive) throw new UnauthorizedException('Unknown inbound token or inactive account');

    // express.raw (app.setup.ts) has read the body when its type is a mail type (isInboundMailRequest).
    // It leaves req.body unset for a request without a body.
    const raw = Buffer.isBuffer(req.body) ? req.body : isInboundMailRequest(req) ? Buffer.alloc(0) : undefined;
    if (!raw) throw new UnsupportedMediaTypeException('Send the raw message as message/rfc822 or text/plain');
    if (raw.length === 0) throw new BadRequestException('Empty body: send the raw RFC 822 message');
    try {
      return await this.inbound.ingest(account, raw);
    } catch (err) {
      if (err instanceof UnparseableMessageError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}
