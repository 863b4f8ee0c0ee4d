//! `GET /metrics`: counters, a latency histogram and gauges in the Prometheus text format
//! (OpenMetrics 1.0, which Prometheus scrapes natively), from the Prometheus project's client.
//!
//! Labels are the route template (`/v1/calendars/{name}/add`), the method and the status:
//! never a path a client chose, so a scan of random URLs cannot grow the label sets (every
//! unknown route is `route="unmatched"`).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    pub in_flight: Gauge,
    pub connections: Gauge,
    reloads: Family<Labels, Counter>,
    pub rules_loaded_at: Gauge,
    pub cases: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("entitlement");
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency =
            Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from the request's headers to its answer, by route template",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being served now",
            in_flight.clone(),
        );
        let connections = Gauge::default();
        registry.register(
            "http_connections_open",
            "Connections open now",
            connections.clone(),
        );
        let reloads = Family::<Labels, Counter>::default();
        registry.register(
            "rules_reloads",
            "Rules document reloads, by result (loaded or refused)",
            reloads.clone(),
        );
        let rules_loaded_at = Gauge::default();
        registry.register(
            "rules_loaded_timestamp_seconds",
            "When the rules document in force was loaded, in Unix seconds",
            rules_loaded_at.clone(),
        );
        let cases = Counter::default();
        registry.register(
            "cases_evaluated",
            "Cases read from request bodies by the evaluate and monitor routes",
            cases.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            connections,
            reloads,
            rules_loaded_at,
            cases,
        }
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&vec![
                ("route", route.to_string()),
                ("method", method.to_string()),
                ("status", status.to_string()),
            ])
            .inc();
        self.latency
            .get_or_create(&vec![("route", route.to_string())])
            .observe(seconds);
    }

    pub fn reload(&self, result: &'static str) {
        self.reloads
            .get_or_create(&vec![("result", result.to_string())])
            .inc();
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}
