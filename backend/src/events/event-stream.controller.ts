import { Controller, Get, Headers, HttpException, HttpStatus, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { decodeStreamCursor } from '@nixflow/core';
import type { AuthUser, JwtPayload } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { bearerToken } from '../auth/jwt-auth.guard.js';
import { EventStreamHub, type StreamClient } from './event-stream.hub.js';

const STREAM_DESCRIPTION = [
  'Server-Sent Events. Frames: `ticket` (a change to a ticket you may see: type, ticketId, ticketNumber,',
  'payload without any text), `notification` (your notifications), `heartbeat` and `reset` (you were too',
  'far behind: reload, then continue). Every frame carries an `id`; reconnect with `Last-Event-ID` to',
  'resume without gaps, on any API instance. Customers receive only their own tickets and never',
  'internal notes. Authenticate with the Authorization header (fetch-based SSE), never a query string.',
  'The stream ends when the access token expires or is revoked: reconnect with a fresh token.',
].join(' ');

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventStreamController {
  constructor(private readonly hub: EventStreamHub) {}

  @Get('stream')
  @ApiOperation({
    summary: 'Live updates: ticket changes you may see and your notifications (SSE)',
    description: STREAM_DESCRIPTION,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last frame received' })
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked token' })
  @ApiTooManyRequestsResponse({ description: 'Too many open streams for this user or this instance' })
  async stream(
    @CurrentUser() user: AuthUser,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // The start is fixed before the headers go out: what the client may miss begins once it has them.
    const start = decodeStreamCursor(lastEventId) ?? (await this.hub.startCursor());
    if (res.destroyed) return;
    const admitted = this.hub.admits(user.id);
    if (admitted !== 'ok') {
      res.setHeader('Retry-After', '10');
      throw new HttpException(
        admitted === 'user-limit' ? 'Too many open streams for this user' : 'Too many open streams on this instance',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    // The guard verified the token; its version and expiry bound the stream's life.
    const token = verifiedPayload(bearerToken(req.headers.authorization));
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.write('retry: 3000\n\n');

    let expiry: NodeJS.Timeout | undefined;
    const client: StreamClient = {
      userId: user.id,
      role: user.role,
      tokenVersion: token?.ver ?? -1,
      cursor: start,
      resumeFrom: start,
      send: (frame) => {
        if (!res.writableEnded) res.write(frame);
      },
      close: () => {
        if (expiry) clearTimeout(expiry);
        if (!res.writableEnded) res.end();
      },
    };
    if (token?.exp) {
      const ms = token.exp * 1000 - Date.now();
      expiry = setTimeout(
        () => {
          this.hub.remove(client);
          client.close();
        },
        Math.max(0, Math.min(ms, 2_147_000_000)),
      );
    }
    // The response's close, not the request's: a request stream closes once its (empty) body is read.
    res.on('close', () => {
      if (expiry) clearTimeout(expiry);
      this.hub.remove(client);
    });
    this.hub.add(client);
  }
}

/** The claims of a token the guard has already verified (signature checked there). */
function verifiedPayload(token: string | undefined): JwtPayload | null {
  try {
    return JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as JwtPayload;
  } catch {
    return null;
  }
}
