import { ApiProperty } from '@nestjs/swagger';
import { UserSummaryDto } from './tickets.dto.js';

export class HistoryEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  ticketId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system' })
  actorId!: string | null;

  @ApiProperty({ type: UserSummaryDto, nullable: true })
  actor!: UserSummaryDto | null;

  @ApiProperty({
    example: 'updated',
    description:
      'created, updated, deleted, restored, comment_added/edited/deleted, internal_note_added/edited/deleted, watcher_added/removed',
  })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'status' })
  field!: string | null;

  @ApiProperty({ type: String, nullable: true })
  oldValue!: string | null;

  @ApiProperty({ type: String, nullable: true })
  newValue!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
