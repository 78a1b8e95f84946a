import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { AccountService } from './account.service.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser, Public, Roles } from './decorators.js';
import {
  AcceptedDto,
  ChangePasswordDto,
  InvitationQueuedDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from './dto/account.dto.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';

const RESET_ACCEPTED = 'If the address belongs to an account, a reset link is on its way.';

@Controller()
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @ApiTags('auth')
  @ApiBearerAuth()
  @Post('auth/password')
  @ApiOperation({ summary: 'Change your password (revokes every earlier token)' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Password changed; every token issued before is revoked (log in again)' })
  async changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.accounts.changePassword(user.id, dto.currentPassword, dto.newPassword);
  }

  @ApiTags('auth')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('auth/password-reset/request')
  @ApiOperation({ summary: 'Ask for a password-reset mail' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'The same answer whether or not the account exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts' })
  requestReset(@Body() dto: PasswordResetRequestDto): AcceptedDto {
    // Answered before any lookup, so neither the body nor the timing tells whether the account exists.
    void this.accounts.requestReset(dto.email).catch((err) => this.accounts.logFailure('password reset request', err));
    return { message: RESET_ACCEPTED };
  }

  @ApiTags('auth')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('auth/password-reset/confirm')
  @ApiOperation({ summary: 'Set a new password with a reset token' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Password set; the token and every earlier session are revoked' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts' })
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.accounts.confirm(dto.token, dto.newPassword);
  }

  @ApiTags('users')
  @ApiBearerAuth()
  @Roles(UserRole.ADMIN)
  @Post('users/:id/invitation')
  @ApiOperation({ summary: 'Send the invitation mail again (admins)' })
  @ApiCreatedResponse({
    type: InvitationQueuedDto,
    description: 'A new invitation mail is queued; older links stop working',
  })
  resendInvitation(@Param('id', new ParseUUIDPipe()) id: string): Promise<InvitationQueuedDto> {
    return this.accounts.resendInvitation(id);
  }
}
