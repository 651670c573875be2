/** Reading a text/event-stream body in tests, frame by frame. */

export interface SseEvent {
  /** The `event:` field ('' when the frame has none). */
  event: string;
  /** The `data:` lines, joined with newlines ('' when none). */
  data: string;
}

/** The events of an SSE body as they arrive; ends with the body. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
      const event = /^event: ?(.*)$/m.exec(frame)?.[1]?.trim() ?? '';
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      yield { event, data };
    }
  }
}
