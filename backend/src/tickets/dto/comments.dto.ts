import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { TicketChannel } from '@nixflow/db/client';
import { PaginationQueryDto } from '../../common/pagination.js';
import { UserSummaryDto } from './tickets.dto.js';
import { IsOptionalNotNull } from '../../common/nullability.js';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateCommentDto {
  @ApiProperty({ maxLength: 50_000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  body!: string;

  @ApiPropertyOptional({ default: false, description: 'Internal note (staff only, never shown to customers)' })
  @IsOptionalNotNull()
  @IsBoolean()
  internal?: boolean;
}

export class UpdateCommentDto {
  @ApiProperty({ maxLength: 50_000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  body!: string;
}

export class ListCommentsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Staff only: only internal notes (true) or only public replies (false)' })
  @IsOptionalNotNull()
  @Transform(toBool)
  @IsBoolean()
  internal?: boolean;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptionalNotNull()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class CommentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  ticketId!: string;

  @ApiProperty({ format: 'uuid' })
  authorId!: string;

  @ApiProperty({ type: UserSummaryDto })
  author!: UserSummaryDto;

  @ApiProperty()
  body!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Sanitised HTML of the e-mail this comment came from; inline images point at /api/email/attachments/{id}. ' +
      'null for comments not from e-mail, and after an edit of body',
  })
  bodyHtml!: string | null;

  @ApiProperty()
  internal!: boolean;

  @ApiProperty({ enum: TicketChannel, enumName: 'TicketChannel' })
  channel!: TicketChannel;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}
