/**
 * One upstream exchange through undici's handler API (`dispatch`), its reply read whole.
 *
 * `dispatcher.request()` wraps every reply body in a Readable stream, and `body.text()` then drains
 * it through stream events into a consumer. A reply that is always read whole needs none of that:
 * this handler keeps the chunks and decodes them once at the end, as `body.text()` does (UTF-8, a
 * leading byte-order mark dropped). Per call that takes 0.81× the client's CPU for a one-job reply and
 * 0.87× for a listing of 20 (`bench/upstream-read.ts`; bench/README.md, "The hot path").
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface WholeReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** An exchange under way: settles once, with the reply or the transport's error. */
export interface Exchange {
  readonly reply: Promise<WholeReply>;
  /** Cuts the exchange short; `reply` rejects with `reason` unless it has already settled. */
  abort(reason: Error): void;
}

class WholeReplyHandler implements Dispatcher.DispatchHandler, Exchange {
  readonly reply: Promise<WholeReply>;
  private resolve!: (reply: WholeReply) => void;
  private reject!: (error: Error) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private abortedWith: Error | null = null;
  private settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private length = 0;

  constructor() {
    this.reply = new Promise<WholeReply>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  abort(reason: Error): void {
    if (this.settled || this.abortedWith !== null) return;
    this.abortedWith = reason;
    // Still waiting for a connection: the caller hears now, undici when the request starts.
    if (this.controller === null) this.fail(reason);
    else this.controller.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortedWith !== null) controller.abort(this.abortedWith);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
    this.chunks = [];
    this.length = 0;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({ status: this.status, headers: this.headers, text: decode(this.chunks, this.length) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
  }
}

function decode(chunks: Buffer[], length: number): string {
  if (length === 0) return '';
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
  const bom = bytes.length > 2 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}

/** Sends one request on `dispatcher`; the reply (any status) arrives whole. */
export function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Exchange {
  const handler = new WholeReplyHandler();
  dispatcher.dispatch(options, handler);
  return handler;
}
