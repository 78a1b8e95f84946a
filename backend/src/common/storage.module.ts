import { Global, Module } from '@nestjs/common';
import { AttachmentFiles, createFileStorage } from '@nixflow/storage';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { StoredFileDownloads } from './stored-file-downloads.js';

/** Attachment files (local disk or S3, as STORAGE_DRIVER says) for every feature, and how downloads are sent. */
@Global()
@Module({
  providers: [
    {
      provide: AttachmentFiles,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AttachmentFiles(createFileStorage(config.storage)),
    },
    StoredFileDownloads,
  ],
  exports: [AttachmentFiles, StoredFileDownloads],
})
export class StorageModule {}
