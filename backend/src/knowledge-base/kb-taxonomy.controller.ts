import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UserRole } from '@nixflow/db/client';
import { Public, Roles } from '../auth/decorators.js';
import { CategoryNodeDto, CreateCategoryDto, CreateTagDto, TagDto, UpdateCategoryDto } from './dto/kb.dto.js';
import { KbTaxonomyService } from './kb-taxonomy.service.js';

@ApiTags('knowledge-base')
@ApiBearerAuth()
@Controller('kb')
export class KbTaxonomyController {
  constructor(private readonly taxonomy: KbTaxonomyService) {}

  @Public()
  @Get('categories')
  @ApiOperation({ summary: 'The category tree' })
  @ApiOkResponse({ type: [CategoryNodeDto], description: 'Nested tree ordered by position' })
  tree(): Promise<CategoryNodeDto[]> {
    return this.taxonomy.tree();
  }

  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @Post('categories')
  @ApiOperation({ summary: 'Create a category' })
  @ApiCreatedResponse({ type: CategoryNodeDto, description: 'The category (no children yet)' })
  create(@Body() dto: CreateCategoryDto): Promise<CategoryNodeDto> {
    return this.taxonomy.createCategory(dto);
  }

  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @Patch('categories/:id')
  @ApiOperation({ summary: 'Rename or move a category' })
  @ApiOkResponse({ type: CategoryNodeDto, description: 'The category, with `children` left empty' })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateCategoryDto): Promise<CategoryNodeDto> {
    return this.taxonomy.updateCategory(id, dto);
  }

  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @Delete('categories/:id')
  @ApiOperation({ summary: 'Delete an empty category' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'Category has children or articles' })
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.taxonomy.deleteCategory(id);
  }

  @Public()
  @Get('tags')
  @ApiOperation({ summary: 'List tags' })
  @ApiOkResponse({ type: [TagDto] })
  tags(): Promise<TagDto[]> {
    return this.taxonomy.listTags();
  }

  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @Post('tags')
  @ApiOperation({ summary: 'Create a tag' })
  @ApiCreatedResponse({ type: TagDto })
  createTag(@Body() dto: CreateTagDto): Promise<TagDto> {
    return this.taxonomy.createTag(dto);
  }

  @Roles(UserRole.ADMIN, UserRole.AGENT)
  @Delete('tags/:id')
  @ApiOperation({ summary: 'Delete a tag' })
  @HttpCode(HttpStatus.NO_CONTENT)
  removeTag(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.taxonomy.deleteTag(id);
  }
}
