import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { ConcurrencyLimiter, PASSWORD_HASHING_LIMITER } from './concurrency-limiter.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';
import { RolesGuard } from './roles.guard.js';
import { UserAuthCache } from './user-auth-cache.js';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a PEM public key
        // (createPublicKey throws) on every sign and verify, 30 % of a cheap request's CPU.
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { expiresIn: config.jwtTtl as never },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    JwtAuthGuard,
    UserAuthCache,
    LoginThrottlerGuard,
    {
      provide: PASSWORD_HASHING_LIMITER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ConcurrencyLimiter(config.loginMaxConcurrentHashes),
    },
    { provide: APP_GUARD, useExisting: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, JwtAuthGuard, JwtModule, UserAuthCache],
})
export class AuthModule {}
