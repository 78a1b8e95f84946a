import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { BusyException } from './concurrency-limiter.js';
import { CurrentUser, Public } from './decorators.js';
import { AuthUserDto, LoginDto, RefreshDto, TokenPairDto } from './dto/auth.dto.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('login')
  @ApiOperation({ summary: 'Sign in: an access and a refresh token' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid email or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many login attempts' })
  @ApiServiceUnavailableResponse({ description: 'Too many logins in progress (Retry-After)' })
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response): Promise<TokenPairDto> {
    try {
      return await this.auth.login(dto.email, dto.password);
    } catch (err) {
      if (err instanceof BusyException) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Public()
  @Post('refresh')
  @ApiOperation({ summary: 'Exchange a refresh token for a new token pair' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired or revoked refresh token' })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiBearerAuth()
  @ApiOkResponse({ type: AuthUserDto })
  me(@CurrentUser() user: AuthUser): AuthUserDto {
    return user;
  }

  @Post('logout')
  @ApiOperation({ summary: 'Sign out: revoke every token issued to the user so far' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Every token issued to the user so far is revoked' })
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logout(user.id);
  }
}
