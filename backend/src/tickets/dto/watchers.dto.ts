import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { UserSummaryDto } from './tickets.dto.js';

export class AddWatcherDto {
  @ApiProperty({ format: 'uuid', description: 'Customers: their own id' })
  @IsUUID()
  userId!: string;
}

export class WatcherDto {
  @ApiProperty({ format: 'uuid' })
  ticketId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: UserSummaryDto })
  user!: UserSummaryDto;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
