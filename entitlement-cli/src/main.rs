//! `entitlement`: SLA rules from a shell.
//!
//! ```text
//! entitlement                                   # the demo: the bundled sample, as a table
//! entitlement monitor --rules rules.yaml --cases cases.json --state last-run.json
//! entitlement monitor ... --format pagerduty --routing-key KEY --level critical
//! entitlement check rules.yaml
//! entitlement diff old.yaml new.yaml --cases open.json
//! entitlement evaluate --rules rules.yaml --case case.json --now 2026-11-25T20:30:00Z
//! entitlement import zendesk --schedules s.json --sla-policies p.json --out rules.yaml
//! entitlement schema > ruleset.schema.json
//! entitlement serve --rules rules.yaml --listen 127.0.0.1:8080 --tokens tokens.txt
//! entitlement report --account A-1 --from 2026-07-01 --to 2026-09-30 --out qbr.html
//! entitlement export outcomes --rules rules.yaml --cases cases.json --from 2026-07-01 --to 2026-09-30 --format parquet --out q3.parquet
//! ```
//!
//! The guide, with every flag, input shape and exit code: `docs/cli.md`.
//!
//! | module | what it holds |
//! |---|---|
//! | `args` | the command line (clap): subcommands, flags, defaults, help texts |
//! | `input` | instants, rules documents, cases files, JSON inputs; errors name the file |
//! | `output` | the buffered standard output, [`output::Failure`] (a closed pipe ends quietly) |
//! | `monitor` | `monitor` and `demo`: the run, `--state`, the filters, the formats |
//! | `state` | the state file: read, and written atomically, never back in time |
//! | `table` | the `table` format |
//! | `report` | the QBR and portfolio pages (the `entitlement-report` crate) |
//! | `export` | the outcome and account tables as Parquet, CSV or NDJSON files |
//! | `diff` | what changed between two rules documents, and whose deadlines move |
//! | `serve` | the HTTP service: routes, limits, tokens, reloads, metrics, the OpenAPI document |
//! | `check`, `evaluate`, `import`, `schema` | the other subcommands |

/// mimalloc for the whole program: a monitor run makes millions of short-lived allocations
/// on rayon's threads, where glibc's malloc spent about a third of the run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod check;
mod diff;
mod evaluate;
mod export;
mod import;
mod input;
mod monitor;
mod output;
mod report;
mod schema;
mod serve;
mod state;
mod table;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::output::{Failure, Out, Status};

fn run(cli: Cli, out: &mut Out) -> Result<Status, Failure> {
    let status = match cli.command {
        Some(Command::Monitor(a)) => monitor::monitor(a, out),
        Some(Command::Demo(a)) => monitor::demo(a, out),
        None => match Cli::parse_from(["entitlement", "demo"]).command {
            Some(Command::Demo(a)) => monitor::demo(a, out),
            _ => unreachable!("`entitlement demo` parses as the demo"),
        },
        Some(Command::Check(a)) => check::run(a, out),
        Some(Command::Evaluate(a)) => evaluate::run(a, out),
        Some(Command::Import(c)) => import::run(c, out),
        Some(Command::Schema(a)) => schema::run(a, out),
        Some(Command::Report(a)) => report::run(a, out),
        Some(Command::Export(c)) => export::run(c, out),
        Some(Command::Diff(a)) => diff::run(a, out),
        Some(Command::Serve(a)) => serve::run(a),
    }?;
    out.finish()?;
    Ok(status)
}

fn main() -> ExitCode {
    // Usage errors exit 2 and `--help` / `--version` exit 0, as clap does (and a closed pipe
    // under `--help` is not a panic: clap ignores a failed write of its own messages).
    let cli = Cli::parse();
    let mut out = Out::stdout();
    match run(cli, &mut out) {
        Ok(Status::Clean) => ExitCode::SUCCESS,
        Ok(Status::Findings) => ExitCode::from(1),
        Err(Failure::Pipe) => {
            // The reader went away: nothing more to say to anyone. Dropping `out` would try
            // to flush its buffer again; forget it instead.
            std::mem::forget(out);
            ExitCode::SUCCESS
        }
        Err(Failure::Error(message)) => {
            output::note(message);
            ExitCode::from(2)
        }
    }
}
