import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RedisThrottlerStorage, THROTTLER_REDIS_STORAGE } from './redis-throttler-storage.js';

/** Owns the throttler's Redis connection as a provider, so that it closes with the app. */
@Module({
  providers: [
    {
      provide: THROTTLER_REDIS_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new RedisThrottlerStorage(config.redisUrl, config.queuePrefix),
    },
  ],
  exports: [THROTTLER_REDIS_STORAGE],
})
export class RateLimitModule {}
