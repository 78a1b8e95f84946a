import { Inject, Injectable } from '@nestjs/common';
import { ChangeNotices, KeyedConfigCache } from '@nixflow/domain';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * The tables a search reads; their triggers (migration 20261204170001) NOTIFY on every change that matters.
 * The typo-correction vocabulary (KnowledgeWord) changes only with the articles.
 */
export const KB_SEARCH_TABLES = [
  'KnowledgeArticle',
  'KnowledgeCategory',
  'KnowledgeTag',
  '_KnowledgeArticleToKnowledgeTag',
] as const;

/**
 * Bytes a kept result holds, about: its strings as UTF-16 (snippets carry "…", so they are two-byte
 * strings), plus a share per object for its fields, its Date and the cache's entry. Within 5 % of the heap
 * 2,000 pages of 10 results took (node --expose-gc, heapUsed before and after).
 */
function approximateBytes(key: string, value: unknown): number {
  let chars = key.length;
  let objects = 1;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') chars += v.length;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof Date)) {
      objects++;
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return 2 * chars + 400 * objects;
}

/**
 * Recent search results of this process (KB_SEARCH_CACHE_MB, least recently used first out): a
 * help centre's searches repeat (the same few problems, search-as-you-type, deflection on the ticket form),
 * and a repeated one then costs its history row instead of the ranking. Exact, not timed: any change to
 * an article, category or tag empties it on every instance when its notice arrives (milliseconds), and
 * at once on the instance that wrote it (`afterWrite`); while the LISTEN connection is down nothing is
 * kept. Keyed by what decides the result: the reader (staff or public), filters, page and query.
 */
@Injectable()
export class KbSearchCache<V = unknown> extends KeyedConfigCache<V> {
  constructor(notices: ChangeNotices, @Inject(APP_CONFIG) config: AppConfig) {
    super(notices, KB_SEARCH_TABLES, config.kbSearchCacheMb * 1024 * 1024, approximateBytes);
  }
}

/**
 * On a method of a service holding the cache as `searchCache`: the method writes what searches read, so
 * this process's cache is emptied when it settles (committed or not), before the change's notice is back.
 */
export function EmptiesKbSearchCache(): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const write = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    descriptor.value = function (this: { searchCache: KbSearchCache }, ...args: unknown[]) {
      return this.searchCache.afterWrite(write.apply(this, args));
    };
  };
}
