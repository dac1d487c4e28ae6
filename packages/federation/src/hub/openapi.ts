/** The hub's API, served at /v1/openapi.json. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const refusal = (d: string) => ({ description: d, content: { 'application/json': { schema: error } } });
  const json = (d: string, schema: Record<string, unknown>) => ({ description: d, content: { 'application/json': { schema } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mixtape federation hub',
      version: '1.0.0',
      description:
        'Private alternating least squares: nodes publish clipped, noised, Ed25519-signed statistics (round 1: counts that choose the shared items; later rounds: the item step); the hub sums each round, solves the item factors and publishes signed global model versions.',
    },
    servers: [{ url: serverUrl }],
    paths: {
      '/v1/health': { get: { summary: 'Liveness and the current round', responses: { 200: json('Hub is up', { type: 'object' }) } } },
      '/v1/federation': {
        get: {
          summary: 'Federation parameters, open round, latest version and the hub public key',
          responses: { 200: json('Parameters', { $ref: '#/components/schemas/Federation' }) },
        },
      },
      '/v1/vocabulary': {
        get: {
          summary: 'The public item list: keys (artist:<name>, mbid:…, isrc:…, id:…) and display names, in index order',
          responses: { 200: json('Vocabulary', { type: 'object', properties: { version: { type: 'string' }, keys: { type: 'array' }, names: { type: 'array' } } }) },
        },
      },
      '/v1/rounds/{round}/contributions': {
        post: {
          summary: 'Publish one contribution to the open round',
          parameters: [{ name: 'round', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          requestBody: {
            required: true,
            description:
              'Bytes: "MXC1", header length (uint32 LE), header JSON {vocabVersion, round, nonce, publicKey, rows, dim, payloadSha256, signature}, then float32 LE, noised: in round 1 one selection count per vocabulary item; in later rounds, for each shared item of version round-1 its dim-vector of the item-step right-hand side, then the dim x dim sum of the user vector outer products, then (when params.als.itemGram) one dim x dim Gramian per shared item. The signature is Ed25519 over the lines "mixtape-contribution-v1", vocabVersion, round, nonce, publicKey, rows, dim, payloadSha256.',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            202: json('Accepted and durable', { type: 'object', properties: { round: { type: 'integer' }, accepted: { type: 'integer' }, needed: { type: 'integer' } } }),
            400: refusal('Malformed or truncated body, bad header, hash mismatch'),
            401: refusal('Unsigned, bad key or bad signature'),
            409: refusal('Wrong round, duplicate, replayed nonce, round closed, training finished'),
            413: refusal('Body over the size limit'),
            415: refusal('Not application/octet-stream'),
            422: refusal('Wrong vocabulary or shape, NaN/Infinity, norm outside the allowed band'),
            429: refusal('Too many contributions from this identity'),
          },
        },
      },
      '/v1/rounds/{round}/secagg': {
        get: {
          summary: 'Secure aggregation: the open round\'s attempt and open step (0 keys, 1 shares, 2 masked inputs, 3 reveals, 4 unmasking)',
          parameters: [{ name: 'round', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 200: json('Status', { type: 'object', properties: { round: { type: 'integer' }, attempt: { type: 'integer' }, step: { type: 'integer' }, abandoned: { type: 'integer' }, stepMs: { type: 'integer' }, pollMs: { type: 'integer', description: 'how often a waiting node should ask again, in ms: about one request a millisecond from all nodes together' } } }), 404: refusal('The federation does not run secure aggregation'), 409: refusal('Not the open round') },
        },
      },
      '/v1/rounds/{round}/secagg/{attempt}/{what}': {
        get: {
          summary: 'Once the step before closed: roster (every member and signed key), roster/{nodeId} (that node view: member count, place, graph seed, its own and its neighbour adverts), shares/{nodeId} (sealed shares for that node), survivors/{nodeId} (how many shared and survived, and two bits per neighbour)',
          parameters: ['round', 'attempt', 'what'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          responses: { 200: json('JSON', { type: 'object' }), 409: refusal('Not out yet') },
        },
      },
      '/v1/rounds/{round}/secagg/{attempt}/steps/{step}': {
        post: {
          summary: 'One node\'s message for a step',
          parameters: ['round', 'attempt', 'step'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 0 } })),
          requestBody: {
            required: true,
            description:
              'Bytes: "MXS1", header length (uint32 LE), header JSON {vocabVersion, round, attempt, step, publicKey, payloadSha256, signature}, then the payload: step 0 the advert JSON (with "invitation" on hubs that ask), step 1 the sealed shares JSON, step 2 the masked vector (uint32 LE), step 3 the revealed shares JSON. The signature is Ed25519 over the lines "mixtape-secagg-step-v1", vocabVersion, round, attempt, step, publicKey, payloadSha256.',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            202: json('Stored', { type: 'object' }),
            400: refusal('Malformed body or header, hash mismatch, header and path disagree, truncated masked input'),
            401: refusal('Unsigned or bad signature'),
            403: refusal('Speaks for another node, not in this round, no or used-up invitation'),
            409: refusal('Step closed (late), not open yet, duplicate, wrong round or attempt, round full'),
            422: refusal('Wrong shape or share kind, share does not match its commitment'),
            429: refusal('Too many messages from this identity'),
          },
        },
      },
      '/v1/models/latest': { get: { summary: 'Latest published version', responses: { 200: json('Version', { $ref: '#/components/schemas/Model' }) } } },
      '/v1/models/{version}': {
        get: {
          summary: 'One published version',
          parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }],
          responses: { 200: json('Version', { $ref: '#/components/schemas/Model' }), 404: refusal('No such version') },
        },
      },
      '/v1/models/{version}/body': {
        get: {
          summary: 'Model bytes; their SHA-256 and the hub signature are in /v1/models/{version}',
          parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }],
          responses: { 200: { description: 'Bytes', content: { 'application/octet-stream': {} } }, 404: refusal('No such version') },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
        Federation: { type: 'object', properties: { params: { type: 'object' }, round: { type: 'integer' }, latestVersion: { type: 'integer' }, hubPublicKey: { type: 'string' } } },
        Model: {
          type: 'object',
          properties: { header: { type: 'object' }, sha256: { type: 'string' }, signature: { type: 'string' }, hubPublicKey: { type: 'string' } },
        },
      },
    },
  };
}
