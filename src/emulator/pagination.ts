import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Drift } from './drift.js';
import { ApiError, type FieldDetail, invalidArgument, validationError } from './errors.js';
import { ORDERS, type Order, STATUSES } from './vocabulary.js';

/** Page tokens are valid this long on the simulated clock. */
export const PAGE_TOKEN_TTL_MS = 10 * 60 * 1000;

export interface ListQuery {
  pageSize: number;
  orderBy: Order;
  /** Sorted and de-duplicated, so `status=A&status=B` and `status=B,A` bind the same token. */
  statuses: string[];
  jobId: string | undefined;
  pageToken: string | undefined;
}

/**
 * Parses the list query string: 422 for page_size or status, 400 for order_by (as the contract says).
 * A deployment of the `refused` order_by variant answers any `order_by` with 400.
 */
export function parseListQuery(query: URLSearchParams, allowJobId: boolean, drift: Drift): ListQuery {
  const details: FieldDetail[] = [];
  let pageSize = 20;
  const rawSize = query.get('page_size');
  if (rawSize !== null && rawSize !== '') {
    const n = Number(rawSize);
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      details.push({
        field: 'page_size',
        message: `must be an integer between 1 and 100, got ${JSON.stringify(rawSize)}`,
      });
    } else pageSize = n;
  }
  const statuses = new Set<string>();
  for (const raw of query.getAll('status')) {
    for (const part of raw.split(',')) {
      const status = part.trim().toUpperCase();
      if (status === '') continue;
      if ((STATUSES as readonly string[]).includes(status)) statuses.add(status);
      else details.push({ field: 'status', message: `unknown status ${JSON.stringify(part.trim())}` });
    }
  }
  if (details.length > 0) throw validationError(details);

  const rawOrder = query.get('order_by');
  if (rawOrder !== null && drift.orderBy === 'refused') {
    throw invalidArgument('order_by', 'is not supported by this coordinator');
  }
  let orderBy: Order = 'created_at desc';
  if (rawOrder !== null && rawOrder.trim() !== '') {
    const normalised = rawOrder.trim().replace(/\s+/g, ' ').toLowerCase();
    const known = ORDERS.find((o) => o === normalised);
    if (known === undefined) {
      throw invalidArgument(
        'order_by',
        `unsupported value ${JSON.stringify(rawOrder)}; use one of ${ORDERS.join(', ')}`,
      );
    }
    orderBy = known;
  }
  const jobId = allowJobId ? query.get('job_id') || undefined : undefined;
  const pageToken = query.get('page_token') || undefined;
  return { pageSize, orderBy, statuses: [...statuses].sort(), jobId, pageToken };
}

type SortValue = number | string;

interface Cursor {
  key: SortValue;
  id: string;
}

interface TokenPayload {
  v: 1;
  /** Hash of what the token is bound to: resource, tenant, filters, order and page size. */
  b: string;
  k: [SortValue, string];
  /** Issued at, simulated epoch ms. */
  i: number;
}

/**
 * Opaque keyset page tokens: base64url(JSON) + "." + HMAC. The token carries the sort key of the
 * last item returned, so a walk never repeats or skips an item even when statuses change between
 * pages, and no server-side snapshot is kept.
 */
export class PageTokens {
  private readonly secret = randomBytes(32);

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }

  static binding(resource: string, tenant: string, query: ListQuery): string {
    const material = JSON.stringify([
      resource,
      tenant,
      query.statuses,
      query.jobId ?? null,
      query.orderBy,
      query.pageSize,
    ]);
    return createHash('sha256').update(material).digest('base64url').slice(0, 16);
  }

  issue(binding: string, cursor: Cursor, now: number): string {
    const payload: TokenPayload = { v: 1, b: binding, k: [cursor.key, cursor.id], i: now };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string, binding: string, now: number): Cursor {
    const [body, mac, extra] = token.split('.');
    const expected = body === undefined ? '' : this.mac(body);
    if (
      body === undefined ||
      mac === undefined ||
      extra !== undefined ||
      mac.length !== expected.length ||
      !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
    ) {
      throw invalidArgument('page_token', 'is not a page token issued by this server');
    }
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    if (now - payload.i > PAGE_TOKEN_TTL_MS) {
      throw invalidArgument(
        'page_token',
        'has expired (page tokens are valid for 10 minutes); start again from the first page',
      );
    }
    if (payload.b !== binding) {
      throw invalidArgument('page_token', 'does not match this request: keep the same filters, order_by and page_size');
    }
    return { key: payload.k[0], id: payload.k[1] };
  }
}

interface Keyed<T> {
  key: SortValue;
  id: string;
  item: T;
}

function compare(a: Keyed<unknown> | Cursor, b: Keyed<unknown> | Cursor): number {
  if (a.key < b.key) return -1;
  if (a.key > b.key) return 1;
  if (a.id < b.id) return -1;
  return a.id > b.id ? 1 : 0;
}

export interface PageResult<T> {
  items: T[];
  nextPageToken: string | undefined;
  totalCount: number;
}

/**
 * Sorts once (ties broken by id, in the direction of the order), then slices the page that starts
 * strictly after the token's cursor. O(n log n) per request.
 */
export function paginate<T>(
  items: readonly T[],
  sortKey: (item: T, field: 'created_at' | 'name') => SortValue,
  idOf: (item: T) => string,
  query: ListQuery,
  tokens: PageTokens,
  binding: string,
  now: number,
): PageResult<T> {
  const cursor = query.pageToken === undefined ? undefined : tokens.verify(query.pageToken, binding, now);
  const [field, direction] = query.orderBy.split(' ') as ['created_at' | 'name', 'asc' | 'desc'];
  const sign = direction === 'desc' ? -1 : 1;
  const keyed: Keyed<T>[] = items.map((item) => ({ key: sortKey(item, field), id: idOf(item), item }));
  if (cursor !== undefined && typeof cursor.key !== typeof keyed[0]?.key && keyed.length > 0) {
    throw new ApiError('INVALID_ARGUMENT', 'page_token: does not match this request');
  }
  keyed.sort((a, b) => sign * compare(a, b));

  let start = 0;
  if (cursor !== undefined) {
    // First index strictly after the cursor in the sorted order (binary search).
    let lo = 0;
    let hi = keyed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const entry = keyed[mid] as Keyed<T>;
      if (sign * compare(entry, cursor) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = keyed.slice(start, start + query.pageSize);
  const last = page.at(-1);
  const more = start + query.pageSize < keyed.length;
  return {
    items: page.map((e) => e.item),
    nextPageToken: more && last !== undefined ? tokens.issue(binding, last, now) : undefined,
    totalCount: keyed.length,
  };
}
