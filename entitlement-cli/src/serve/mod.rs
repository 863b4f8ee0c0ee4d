//! `entitlement serve`: the engine over HTTP/1.1 for Salesforce Flow (External Services),
//! Workato and MuleSoft (`docs/serve.md`).
//!
//! | module | what it holds |
//! |---|---|
//! | `api` | the routes, and the steps every protected request goes through |
//! | `types` | the request and response bodies (serde and schemars from one type) |
//! | `openapi` | the OpenAPI 3.0 document built from those types |
//! | `auth` | the tokens file and the constant-time check |
//! | `state` | the rules document and tokens in force, and their reloads |
//! | `signals` | SIGTERM and SIGINT (stop), SIGHUP (reload); Ctrl-C elsewhere than Unix |
//! | `metrics` | `/metrics` |
//! | `error` | the error body `{code, message, path}` |
//!
//! The server is axum's router on hyper 1 and tokio, with the connections accepted here rather
//! than by `axum::serve`: hyper's connection builder takes the header-read timeout (the idle
//! timeout, between requests too), and hyper-util's graceful shutdown lets each connection
//! finish the request it has begun before it closes.

pub mod api;
pub mod auth;
pub mod error;
pub mod metrics;
pub mod openapi;
mod signals;
pub mod state;
pub mod types;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::args::ServeArgs;
use crate::output::{Failure, Status};
use api::{App, Limits};
use state::{Reloaded, Shared};

pub fn run(args: ServeArgs) -> Result<Status, Failure> {
    init_logs();
    if args.tokens.is_none() {
        tracing::warn!(
            event = "no_tokens",
            message = "no --tokens file: every /v1 route and /metrics answer 401"
        );
    }
    let shared = Shared::start(args.rules.clone(), args.tokens.clone()).map_err(Failure::Error)?;
    let concurrency = args.concurrency as usize;
    let limits = Limits {
        max_body_bytes: args.max_body_bytes as usize,
        max_cases: args.max_cases as usize,
        max_events: args.max_events as usize,
        request_timeout: args.request_timeout,
        concurrency,
    };
    let app = Arc::new(App {
        shared,
        limits,
        metrics: metrics::Metrics::new(),
        slots: Arc::new(Semaphore::new(concurrency)),
        draining: std::sync::atomic::AtomicBool::new(false),
    });
    app.metrics
        .rules_loaded_at
        .set(app.shared.rules().loaded_at.timestamp());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The engine runs on blocking threads, one per admitted request at most.
        .max_blocking_threads(concurrency + 4)
        .thread_name("entitlement-serve")
        .build()
        .map_err(|e| Failure::Error(format!("starting the server's threads: {e}")))?;
    runtime.block_on(serve(app, args))?;
    Ok(Status::Clean)
}

fn init_logs() {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
}

async fn serve(app: Arc<App>, args: ServeArgs) -> Result<(), Failure> {
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| Failure::Error(format!("--listen {}: {e}", args.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Error(format!("--listen {}: {e}", args.listen)))?;
    let (mut stop_signals, hangup) = signals::install().map_err(signal_error)?;
    tokio::spawn(reloads(app.clone(), hangup, args.reload_interval));
    {
        let loaded = app.shared.rules();
        tracing::info!(
            event = "listening",
            address = %address,
            rules = %app.shared.rules_path.display(),
            sha256 = %loaded.sha256,
            tokens = app.shared.tokens().len(),
        );
    }

    let router = api::router(app.clone());
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(args.idle_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(args.max_connections as usize));

    // Resolves when the server must stop accepting: at SIGTERM or SIGINT, after
    // --drain-delay, during which /readyz answers 503 and new connections are still served
    // (so that a load balancer sees the 503 and stops sending first). A second signal ends
    // the delay.
    let drain_delay = args.drain_delay;
    let draining = app.clone();
    let stop = async move {
        let name = stop_signals.next().await;
        draining.draining.store(true, Ordering::SeqCst);
        tracing::info!(
            event = "shutting_down",
            signal = name,
            drain_delay_seconds = drain_delay.as_secs_f64()
        );
        if !drain_delay.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(drain_delay) => {}
                _ = stop_signals.next() => {}
            }
        }
    };
    tokio::pin!(stop);
    loop {
        // A connection is accepted only with a free place: above --max-connections, clients
        // wait in the kernel's listen queue.
        let place = tokio::select! {
            place = connections.clone().acquire_owned() => place,
            _ = &mut stop => break,
        };
        let Ok(place) = place else { break };
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(event = "accept_failed", message = %e);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let watched = graceful.watch(connection);
        let app = app.clone();
        app.metrics.connections.inc();
        tokio::spawn(async move {
            let _ = watched.await;
            app.metrics.connections.dec();
            drop(place);
        });
    }

    // Take no new connection, and let every connection finish the request it has begun (an
    // idle one closes at once), within --shutdown-timeout.
    app.draining.store(true, Ordering::SeqCst);
    drop(listener);
    tracing::info!(event = "listener_closed");
    tokio::select! {
        _ = graceful.shutdown() => {
            tracing::info!(event = "stopped", message = "every request in flight finished");
        }
        _ = tokio::time::sleep(args.shutdown_timeout) => {
            tracing::warn!(
                event = "stopped",
                message = "--shutdown-timeout passed with requests still in flight"
            );
        }
    }
    Ok(())
}

fn signal_error(e: std::io::Error) -> Failure {
    Failure::Error(format!("installing the signal handlers: {e}"))
}

/// Reloads the rules document and the tokens file when they change (checked every
/// `interval`; never when it is zero) and on every SIGHUP.
async fn reloads(app: Arc<App>, mut hangup: signals::Reload, interval: Duration) {
    loop {
        let force = tokio::select! {
            _ = hangup.next() => true,
            _ = tokio::time::sleep(interval), if !interval.is_zero() => false,
        };
        if force {
            tracing::info!(
                event = "sighup",
                message = "checking the rules and tokens files"
            );
        }
        let app2 = app.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            (
                app2.shared.reload_rules(force),
                app2.shared.reload_tokens(force),
            )
        })
        .await;
        // Counted before it is logged: a reader of the log finds /metrics up to date.
        match outcome {
            Ok((Reloaded::Loaded { sha256, previous }, _)) => {
                app.metrics.reload("loaded");
                app.metrics
                    .rules_loaded_at
                    .set(app.shared.rules().loaded_at.timestamp());
                tracing::info!(
                    event = "rules_reloaded",
                    path = %app.shared.rules_path.display(),
                    sha256 = %sha256,
                    previous_sha256 = %previous,
                );
            }
            Ok((Reloaded::Refused { error, serving }, _)) => {
                app.metrics.reload("refused");
                tracing::error!(
                    event = "rules_refused",
                    path = %app.shared.rules_path.display(),
                    code = %error.code,
                    error_path = %error.path,
                    message = %error.message,
                    serving_sha256 = %serving,
                );
            }
            Ok((Reloaded::Unchanged, _)) | Err(_) => {}
        }
    }
}
