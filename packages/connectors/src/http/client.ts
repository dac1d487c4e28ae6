// The one HTTP client lives in @mixtape/core, so the federation client shares it; connectors keep this path.
export { HttpClient, WRITE_UNCERTAIN, type HttpClientOptions, type HttpResponse, type HttpEvent, type HttpStats, type TokenSource, type RequestOptions, type HttpRequest } from '@mixtape/core';
