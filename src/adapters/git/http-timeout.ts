/**
 * isomorphic-git's Node HTTP client has no timeout: a server that stops answering would hold an
 * apply (and its lease) forever. This wrapper aborts a request when no response, or no chunk of
 * the response body, arrives for `idleMs`. The abort surfaces as an `AbortError`, which
 * errors.ts maps to a TransientError.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

export function withIdleTimeout(http: HttpClient, idleMs: number): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const controller = new AbortController();
      const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), idleMs);
        timer.unref();
      };
      arm();
      let response: GitHttpResponse;
      try {
        response = await http.request({ ...request, signal });
      } catch (err) {
        clearTimeout(timer);
        throw err;
      }
      const body = response.body;
      if (!body) {
        clearTimeout(timer);
        return response;
      }
      arm();
      async function* watched(): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of body!) {
            arm();
            yield chunk;
          }
        } finally {
          clearTimeout(timer);
        }
      }
      return { ...response, body: watched() };
    },
  };
}
