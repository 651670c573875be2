/**
 * Yoga's parse caches, bounded in bytes as well as entries: its default holds 1,024 documents and 1,024 parse errors
 * keyed by their full text, so documents padded to the body limit could pin about 200 MB. Here
 * each entry is charged for its key and an estimate of its syntax tree, against a fixed budget.
 */
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Bytes the parsed documents may take (keys and syntax trees, estimated). */
export const DOCUMENT_CACHE_BYTES = 64 * 1024 * 1024;
/** Bytes the remembered parse errors may take. */
export const PARSE_ERROR_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * A syntax tree takes roughly 40 bytes per character of dense source (tokens and nodes with their
 * locations); the token limit caps how much of a padded document is dense.
 */
function documentBytes(text: string): number {
  return text.length * 2 + Math.min(text.length, 8_000) * 40;
}

export function boundedParserCaches() {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: 1_024,
      maxSize: DOCUMENT_CACHE_BYTES,
      sizeCalculation: (_value, key) => documentBytes(key),
      ttl: 3_600_000,
    }),
    errorCache: new LRUCache<string, object>({
      maxSize: PARSE_ERROR_CACHE_BYTES,
      sizeCalculation: (_value, key) => key.length * 2 + 1_024,
      ttl: 3_600_000,
    }),
  };
}
