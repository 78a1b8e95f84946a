// One autocannon run: bounded duration, 127.0.0.1 only, figures reduced to what the table shows.
import autocannon from 'autocannon';

/**
 * `route`: { method, path: () => string, body?: () => object, token }.
 * Returns { rps, p50, p99, requests, errors, non2xx } (latencies in ms).
 */
export async function load(port, route, { duration, connections, sampleStatus = false }) {
  const statuses = new Map();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    headers: {
      'content-type': 'application/json',
      ...(route.token ? { authorization: `Bearer ${route.token}` } : {}),
    },
    requests: [
      {
        method: route.method,
        setupRequest: (req) => ({
          ...req,
          path: route.path(),
          ...(route.body ? { body: JSON.stringify(route.body()) } : {}),
        }),
        ...(sampleStatus
          ? {
              onResponse: (status, body) => {
                if (status >= 300 && !statuses.has(status)) statuses.set(status, String(body).slice(0, 300));
              },
            }
          : {}),
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...(statuses.size ? { sampleErrors: Object.fromEntries(statuses) } : {}),
  };
}
