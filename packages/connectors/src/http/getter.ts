import type { HttpResponse, RequestOptions } from './client.js';

/** Anything that GETs JSON like HttpClient does: the client itself, or a cache in front of it. */
export interface JsonGetter {
  get<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
}
