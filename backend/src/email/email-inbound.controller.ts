import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  Inject,
  PayloadTooLargeException,
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
import { EMAIL_CONFIG, type EmailConfig } from './email-config.js';
import { EmailInboundService } from './email-inbound.service.js';
import { UnparseableMessageError } from './inbound-message.js';

const RAW_TYPES = new Set(['message/rfc822', 'text/plain', 'application/octet-stream']);

/** Reads the request body up to `limit` bytes (the global JSON/urlencoded parsers leave these types alone). */
async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw new PayloadTooLargeException(`Message larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.destroy();
      throw new PayloadTooLargeException(`Message larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

@ApiTags('email')
@Controller('email/inbound')
export class EmailInboundController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly inbound: EmailInboundService,
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
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
    @Req() req: IncomingMessage,
    @Headers('authorization') authorization?: string,
    @Headers('x-nixflow-inbound-token') headerToken?: string,
  ): Promise<InboundResultDto> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const token = (headerToken ?? '').trim() || bearer;
    if (!token) throw new UnauthorizedException('Send the account inbound token as Authorization: Bearer <token>');
    const account = await this.prisma.emailAccount.findUnique({ where: { inboundTokenHash: hashInboundToken(token) } });
    if (!account || !account.isActive) throw new UnauthorizedException('Unknown inbound token or inactive account');

    const type = (req.headers['content-type'] ?? 'message/rfc822').split(';')[0]!.trim().toLowerCase();
    if (!RAW_TYPES.has(type))
      throw new UnsupportedMediaTypeException('Send the raw message as message/rfc822 or text/plain');
    const raw = await readRawBody(req, this.config.maxInboundBytes);
    if (raw.length === 0) throw new BadRequestException('Empty body: send the raw RFC 822 message');
    try {
      return await this.inbound.ingest(account, raw);
    } catch (err) {
      if (err instanceof UnparseableMessageError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}
