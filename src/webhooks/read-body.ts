/**
 * Read a request body as exact bytes, refusing more than a cap without ever holding more than
 * the cap (plus one chunk) in memory: a declared `Content-Length` above the cap is refused before
 * reading, and a streamed body is counted as it arrives and abandoned when it passes the cap.
 */

export type BodyResult =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'bad-length' };

export async function readBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,16}$/.test(declared.trim())) return discard(request, { kind: 'bad-length' });
    if (Number(declared) > maxBytes) return discard(request, { kind: 'too-large' });
  }
  if (!request.body) return { kind: 'ok', bytes: new Uint8Array(0) };

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
  if (chunks.length === 1) return { kind: 'ok', bytes: chunks[0]! };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'ok', bytes };
}

async function discard(request: Request, result: BodyResult): Promise<BodyResult> {
  // Tell the source we will not read it (the server closes or drains the connection).
  await request.body?.cancel().catch(() => undefined);
  return result;
}
