import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from './nullability.js';

/** Highest page number any list accepts: deeper offsets are a scan, not a page. */
export const MAX_PAGE = 10_000;

/**
 * A query-string integer: only plain decimal digits convert ("1e17", "0x10", "1.5", arrays stay
 * invalid), so @IsInt/@Min/@Max answer 400 naming the field instead of a huge OFFSET reaching SQL.
 */
export const QueryInt = () =>
  Transform(({ value }) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value)) return Number(value);
    return value === undefined ? undefined : Number.NaN;
  });

export class PaginationQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;
}

export { pageArgs, paginated, type Paginated } from '@nixflow/domain';
