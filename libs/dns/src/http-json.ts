// One JSON-over-HTTP(S) call with a deadline and an optional private CA, for the DNS drivers' REST APIs.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface JsonCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly caPem?: string | undefined;
  readonly timeoutMs: number;
}

export interface JsonAnswer {
  readonly status: number;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: unknown;
  readonly text: string;
}

/** Resolves with any HTTP answer (the caller judges the status); rejects only when there was none. */
export function callJson(call: JsonCall): Promise<JsonAnswer> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const secure = call.url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options = { method: call.method, headers, timeout: call.timeoutMs, ...(secure && call.caPem !== undefined ? { ca: call.caPem } : {}) };
    const onAnswer = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text.trim() === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, json, text });
      });
    };
    const req = secure ? httpsRequest(call.url, options, onAnswer) : httpRequest(call.url, options, onAnswer);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${call.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The server's error text from a JSON `{"error": "…"}` body, else the body itself, shortened. */
export function errorTextOf(answer: JsonAnswer): string {
  const json = answer.json;
  if (typeof json === 'object' && json !== null && 'error' in json && typeof json.error === 'string') return json.error;
  const text = answer.text.trim();
  return text === '' ? 'no error text' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
