import { Type } from '@nestjs/common';
import { PartialType } from '@nestjs/swagger';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

// @nestjs/swagger's metadata keys (not exported by the package).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';

// class-validator's @IsOptional() skips validation for null as well as undefined, so `{"subject": null}`
// reached the services and Prisma (500s). Every optional body field says which of two things it is:
// @IsOptionalNotNull() — may be left out, null is a 400 naming the field;
// @Nullable() — may be left out, and null is a value (it clears the field).

/** Optional field: absent skips validation; null is validated and rejected ("<field> must not be null"). */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    ValidateIf((_o, v) => v !== undefined)(target, key);
    ValidateBy(
      {
        name: 'isNotNull',
        validator: { validate: (v) => v !== null, defaultMessage: (a) => `${a?.property} must not be null` },
      },
      options,
    )(target, key);
  };
}

/** Optional and nullable field: absent or null skip validation; null means "clear". */
export function Nullable(): PropertyDecorator {
  return ValidateIf((_o, v) => v !== undefined && v !== null);
}

/**
 * PartialType for PATCH bodies: every field optional with the null rules above kept (null is only
 * accepted where the create DTO says @Nullable()), and no create-time `default` in the document,
 * since an absent field in a PATCH leaves the stored value alone.
 */
export function UpdateType<T>(classRef: Type<T>): Type<Partial<T>> {
  const partial = PartialType(classRef, { skipNullProperties: false });
  const keys: string[] = Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, partial.prototype) ?? [];
  for (const raw of keys) {
    const key = raw.replace(/^:/, '');
    const meta = Reflect.getMetadata(API_MODEL_PROPERTIES, partial.prototype, key);
    if (meta && 'default' in meta) {
      const { default: _default, ...rest } = meta;
      Reflect.defineMetadata(API_MODEL_PROPERTIES, rest, partial.prototype, key);
    }
  }
  return partial as Type<Partial<T>>;
}
