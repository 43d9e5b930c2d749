/**
 * Read a request body as text, refusing more than a cap without ever holding more than the cap
 * (plus one chunk) in memory: a declared `Content-Length` above the cap is refused before reading,
 * and a body without one is counted as it streams in and abandoned when it passes the cap.
 *
 * Bytes are decoded as UTF-8, invalid sequences replaced: GitHub sends UTF-8 JSON, and a body that
 * is not valid UTF-8 then fails the signature check (the HMAC covers the bytes as sent).
 */

export type BodyResult =
  | { readonly kind: 'ok'; readonly text: string }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'bad-length' };

const utf8 = new TextDecoder('utf-8');

export async function readBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,16}$/.test(declared.trim())) return discard(request, { kind: 'bad-length' });
    if (Number(declared) > maxBytes) return discard(request, { kind: 'too-large' });
    // Node's HTTP parser delivers exactly Content-Length bytes, so the body is within the cap;
    // text() is @hono/node-server's fast path (no web stream, no copy).
    return { kind: 'ok', text: await request.text() };
  }
  if (!request.body) return { kind: 'ok', text: '' };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { kind: 'too-large' };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'ok', text: utf8.decode(bytes) };
}

async function discard(request: Request, result: BodyResult): Promise<BodyResult> {
  // Tell the source we will not read it (the server closes or drains the connection).
  await request.body?.cancel().catch(() => undefined);
  return result;
}
