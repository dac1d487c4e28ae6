import { HttpClient, lastfm, type HttpResponse, type RequestOptions } from '@mixtape/connectors';

/**
 * Last.fm for the demo, offline: the one Last.fm client's interface, answering from the recorded
 * answers the demo ships instead of the network. Each question counts as a request, and goes
 * through the HTTP cache like any other, so a second enrichment asks nothing.
 */
export class RecordedLastfm extends HttpClient {
  constructor(private readonly answers: Record<string, unknown>) {
    super({
      service: 'Last.fm',
      baseUrl: lastfm.LASTFM_API_URL,
      rate: { count: 1000, perMs: 1000 },
      concurrency: 8,
      secretParams: ['api_key', 'sk'],
      policy: { maxAttempts: 1, baseBackoffMs: 0, maxBackoffMs: 0, defaultRetryAfterMs: 0, inspectBody: lastfm.lastfmBodyVerdict },
    });
  }

  override async get<T = unknown>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    this.stats.requests++;
    const p = options.params ?? {};
    const method = String(p.method ?? '');
    const key = `${method.toLowerCase()}\t${String(p.artist ?? '')}\t${String(p.track ?? '')}`;
    // What Last.fm says about a name it does not know: error 6 inside an HTTP 200.
    const body = this.answers[key] ?? { error: 6, message: method.toLowerCase().startsWith('track') ? 'Track not found' : 'The artist you supplied could not be found' };
    const outcome = lastfm.lastfmBodyVerdict(200, body) === 'not_found' ? 'not_found' : 'ok';
    return { status: 200, body: body as T, headers: {}, url: this.safeUrl(this.url(path, options.params)), outcome };
  }
}
