//! `entitlement check FILE`: a rules document's load errors (exit 2) and the warnings about
//! rules that load but will surprise (exit 1).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::args::{CheckArgs, TextOrJson};
use crate::input;
use crate::output::{Failure, Out, Status, json_pretty};

/// One warning: what `Ruleset::check` returns.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// A stable code.
    pub code: String,
    /// Where in the document (`processes[0].milestones[1].target`).
    pub path: String,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// The warnings of the document at `path`; a document that does not load is a failure naming
/// the file and the place inside it.
///
/// The rule checks (`Ruleset::check`) come with issue 15's checks; until they are merged, this
/// reports load errors only. On merge:
/// `Ok(rules.check().into_iter().map(|w| Finding { code: w.code.into(), path: w.path, message: w.message }).collect())`.
pub fn check_rules(path: &Path) -> Result<Vec<Finding>, Failure> {
    // TODO(merge, issue 15 checks): return the warnings of `Ruleset::check`, as above.
    let _rules = input::rules(path)?;
    Ok(Vec::new())
}

pub fn run(args: CheckArgs, out: &mut Out) -> Result<Status, Failure> {
    let findings = check_rules(&args.file)?;
    match args.format {
        TextOrJson::Json => json_pretty(out, &findings)?,
        TextOrJson::Text => {
            for f in &findings {
                writeln!(
                    out,
                    "{}: {}: {} [{}]",
                    args.file.display(),
                    f.path,
                    f.message,
                    f.code
                )?;
            }
            writeln!(
                out,
                "{}: {}",
                args.file.display(),
                match findings.len() {
                    0 => "no warnings".to_string(),
                    1 => "1 warning".to_string(),
                    n => format!("{n} warnings"),
                }
            )?;
        }
    }
    Ok(if findings.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    })
}
