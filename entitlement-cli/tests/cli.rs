//! The `entitlement` command through its built binary: every subcommand, the exit codes, a
//! closed output pipe, errors that name their file, the state file and the window, the filters.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SAMPLE_NOW: &str = "2026-11-25T20:30:00Z";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_entitlement"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .output()
        .expect("the entitlement command runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code, not a signal")
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sample_rules() -> String {
    repo("examples/data/rules.yaml").display().to_string()
}

fn sample_cases() -> String {
    repo("examples/data/cases.json").display().to_string()
}

fn monitor(extra: &[&str]) -> Output {
    let (rules, cases) = (sample_rules(), sample_cases());
    let mut args = vec!["monitor", "--rules", &rules, "--cases", &cases];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(o: &Output) -> Value {
    assert_eq!(code(o), 0, "stderr: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

#[test]
fn every_subcommand_has_help_with_its_defaults_and_the_exit_codes() {
    for sub in [
        &[][..],
        &["monitor"],
        &["check"],
        &["evaluate"],
        &["import", "salesforce"],
        &["import", "zendesk"],
        &["import", "servicenow"],
        &["import", "ics"],
        &["schema"],
        &["demo"],
        &["diff"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let o = run(&args);
        let help = text(&o.stdout);
        assert_eq!(code(&o), 0, "{args:?}");
        assert!(help.contains("Exit codes:"), "{args:?}: {help}");
        assert!(help.contains("  2  error"), "{args:?}: {help}");
    }
    let help = text(&run(&["monitor", "--help"]).stdout);
    for needed in [
        "[default: table]",
        "[default: the current time",
        "the `now` of --state when given, else --now minus one day",
        "State file (JSON): {\"now\"",
        "Cases file (JSON)",
        "ndjson",
    ] {
        assert!(
            help.contains(needed),
            "monitor --help lacks {needed:?}:\n{help}"
        );
    }
    assert!(text(&run(&["evaluate", "--help"]).stdout).contains("a single case object"));
}

#[test]
fn version_and_usage_errors() {
    let o = run(&["--version"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        text(&o.stdout).trim(),
        format!("entitlement {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&["monitor", "--no-such-flag"]);
    assert_eq!(code(&o), 2);
    let o = run(&["demo", "--format", "xml"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("xml"));
}

#[test]
fn no_subcommand_runs_the_demo() {
    let plain = run(&[]);
    let demo = run(&["demo"]);
    assert_eq!(code(&plain), 0, "{}", text(&plain.stderr));
    assert_eq!(plain.stdout, demo.stdout);
    let out = text(&demo.stdout);
    assert!(
        out.starts_with("Entitlement breach monitor at Wed 2026-11-25 20:30 UTC over 285 cases")
    );
    assert!(
        out.contains("\nAt risk: ") && out.contains("\nBreached: "),
        "{out}"
    );
    assert!(
        out.contains("\nAlerts for (2026-11-24T20:30:00Z, now]"),
        "{out}"
    );
}

#[test]
fn the_demo_runs_from_any_folder_with_the_sample_built_in() {
    // What `cargo install` gives: the binary alone, elsewhere, with no checkout beside it.
    let dir = scratch("installed");
    let copy = dir.join("entitlement");
    std::fs::copy(env!("CARGO_BIN_EXE_entitlement"), &copy).unwrap();
    let o = Command::new(&copy)
        .args(["demo", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let report = json(&o);
    assert_eq!(report["now"], SAMPLE_NOW);
    assert_eq!(report["cases"].as_array().unwrap().len(), 285);
}

/// Spawns the command, reads one line and closes the pipe: the command must end by itself,
/// without a panic.
fn closed_pipe(args: &[&str]) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(!line.is_empty());
    drop(reader);
    let o = child.wait_with_output().unwrap();
    let stderr = text(&o.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?} said: {stderr}");
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    // Each output is far larger than a pipe's buffer, so the command is still writing.
    closed_pipe(&["demo", "--format", "json"]);
    closed_pipe(&["demo", "--since", "none", "--format", "ndjson"]);
    closed_pipe(&["demo", "--since", "none", "--limit", "100000"]);
    closed_pipe(&["schema", "--results"]);
    let rules = sample_rules();
    let cases = sample_cases();
    closed_pipe(&[
        "evaluate", "--rules", &rules, "--cases", &cases, "--now", SAMPLE_NOW,
    ]);
}

#[test]
fn a_closed_pipe_does_not_move_the_state_on() {
    let dir = scratch("pipe-state");
    let state = dir.join("state.json");
    std::fs::write(&state, "{\"now\": \"2026-11-20T00:00:00Z\"}\n").unwrap();
    let (rules, cases) = (sample_rules(), sample_cases());
    let mut child = bin()
        .args([
            "monitor", "--rules", &rules, "--cases", &cases, "--now", SAMPLE_NOW,
        ])
        .args(["--format", "ndjson", "--state"])
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    drop(reader);
    let o = child.wait_with_output().unwrap();
    assert!(!text(&o.stderr).contains("panicked"));
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"now\": \"2026-11-20T00:00:00Z\"}\n"
    );
}

#[test]
fn errors_name_the_file_and_the_place_inside_it() {
    let o = monitor_with("no/such/rules.yaml", &sample_cases(), &[]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("no/such/rules.yaml"),
        "{}",
        text(&o.stderr)
    );

    let dir = scratch("bad-rules");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "processes:\n  - id: p\n    milestones:\n      - { name: FR, kind: first_response, target: soon }\n",
    )
    .unwrap();
    for args in [
        vec!["check".to_string(), bad.display().to_string()],
        vec![
            "monitor".into(),
            "--rules".into(),
            bad.display().to_string(),
            "--cases".into(),
            sample_cases(),
        ],
    ] {
        let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let err = text(&o.stderr);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            err.starts_with(&format!("entitlement: {}: ", bad.display())),
            "{err}"
        );
        assert!(err.contains("processes[0].milestones[0].target"), "{err}");
        assert!(err.contains("[invalid_duration]"), "{err}");
    }

    let cases = dir.join("cases.json");
    std::fs::write(&cases, "[{\"id\": \"x\",").unwrap();
    let o = monitor_with(&sample_rules(), &cases.display().to_string(), &[]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains(&cases.display().to_string()));
}

fn monitor_with(rules: &str, cases: &str, extra: &[&str]) -> Output {
    let mut args = vec!["monitor", "--rules", rules, "--cases", cases];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_bad_case_is_left_out_and_fails_the_run_only_under_strict() {
    let dir = scratch("strict");
    let cases = dir.join("cases.json");
    std::fs::write(
        &cases,
        r#"[{"id": "ok", "entitlement": "acme-gold", "created_at": "2026-11-25T15:00:00Z"},
            {"id": "bad", "entitlement": "acme-gold", "created_at": "yesterday"},
            {"id": "new", "entitlement": "not-in-the-rules", "created_at": "2026-11-25T15:00:00Z"}]"#,
    )
    .unwrap();
    let cases = cases.display().to_string();
    let window = ["--now", SAMPLE_NOW, "--format", "json"];
    let o = monitor_with(&sample_rules(), &cases, &window);
    let report = json(&o);
    assert_eq!(report["cases"].as_array().unwrap().len(), 1);
    // Both the case the file could not give and the one the rules cannot check are entries of
    // `errors` and `data_error` events; the run still succeeds.
    let errors = report["errors"].as_array().unwrap();
    let places: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["index"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(places.len(), 2, "{errors:?}");
    assert_eq!(places[0].0, 1);
    assert_eq!(places[1], (2, "unknown_entitlement"), "{errors:?}");
    let data_errors = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "data_error")
        .count();
    assert_eq!(data_errors, 2);
    let err = text(&o.stderr);
    assert!(err.contains(&cases) && err.contains("cases[1]"), "{err}");
    assert!(err.contains("cases[2]"), "{err}");
    let mut strict = window.to_vec();
    strict.push("--strict");
    let o = monitor_with(&sample_rules(), &cases, &strict);
    assert_eq!(code(&o), 1);
    assert!(!o.stdout.is_empty(), "the report is still written");
}

fn read_state(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_state_file_carries_the_window_from_run_to_run_and_never_goes_back() {
    let dir = scratch("state");
    let state = dir.join("last-run.json");
    let state_arg = state.display().to_string();
    // First run: no state yet, the window is the day before.
    let first = json(&monitor(&[
        "--now",
        "2026-11-25T20:00:00Z",
        "--state",
        &state_arg,
        "--format",
        "json",
    ]));
    assert_eq!(first["since"], "2026-11-24T20:00:00Z");
    assert_eq!(read_state(&state)["now"], "2026-11-25T20:00:00Z");
    // Second run starts where the first ended.
    let second = json(&monitor(&[
        "--now", SAMPLE_NOW, "--state", &state_arg, "--format", "json",
    ]));
    assert_eq!(second["since"], "2026-11-25T20:00:00Z");
    assert_eq!(read_state(&state)["now"], SAMPLE_NOW);
    // The two windows' events are the day's, once each.
    let keys = |r: &Value| -> Vec<String> {
        r["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap().to_string())
            .collect()
    };
    let whole = json(&monitor(&[
        "--now",
        SAMPLE_NOW,
        "--since",
        "2026-11-24T20:00:00Z",
        "--format",
        "json",
    ]));
    let mut both = keys(&first);
    both.extend(keys(&second));
    assert_eq!(both, keys(&whole));
    // A rerun of an earlier window keeps the later time.
    let o = monitor(&[
        "--now",
        "2026-11-25T19:00:00Z",
        "--since",
        "2026-11-25T18:00:00Z",
        "--state",
        &state_arg,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(read_state(&state)["now"], SAMPLE_NOW);
    assert!(
        text(&o.stderr).contains("kept 2026-11-25T20:30:00Z"),
        "{}",
        text(&o.stderr)
    );
    // An earlier --now with the state's since is an empty window: refused, state untouched.
    let o = monitor(&["--now", "2026-11-25T19:00:00Z", "--state", &state_arg]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("[invalid_window]"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains(&state_arg));
    assert_eq!(read_state(&state)["now"], SAMPLE_NOW);
    // A state file that is not one names itself.
    std::fs::write(&state, "not json").unwrap();
    let o = monitor(&["--now", SAMPLE_NOW, "--state", &state_arg]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains(&state_arg));
}

#[test]
fn a_since_not_before_now_is_an_invalid_window() {
    for since in [SAMPLE_NOW, "2026-11-26T00:00:00Z"] {
        let o = monitor(&["--now", SAMPLE_NOW, "--since", since]);
        assert_eq!(code(&o), 2);
        assert!(
            text(&o.stderr).contains("[invalid_window]"),
            "{}",
            text(&o.stderr)
        );
        assert!(o.stdout.is_empty());
        let o = run(&["demo", "--since", since]);
        assert_eq!(code(&o), 2);
    }
    let o = monitor(&["--now", SAMPLE_NOW, "--since", "none", "--format", "json"]);
    assert_eq!(json(&o)["since"], Value::Null);
}

fn list<'a>(report: &'a Value, name: &str) -> &'a Vec<Value> {
    report[name].as_array().unwrap()
}

#[test]
fn the_at_risk_list_is_ranked_and_filtered() {
    let all = json(&run(&["demo", "--format", "json"]));
    let at_risk = list(&all, "at_risk");
    let breached = list(&all, "breached");
    assert!(
        at_risk.len() >= 3 && breached.len() >= 3,
        "the sample has both"
    );
    // Soonest deadline first; most recent breach first.
    let due: Vec<&str> = at_risk
        .iter()
        .map(|s| s["target_at"].as_str().unwrap())
        .collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");
    let at: Vec<&str> = breached
        .iter()
        .map(|s| s["breached_at"].as_str().unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] >= w[1]), "{at:?}");
    // `statuses` starts with the two lists, in the same order.
    let statuses = list(&all, "statuses");
    let n = at_risk.len() + breached.len();
    assert_eq!(&statuses[..at_risk.len()], &at_risk[..]);
    assert_eq!(&statuses[at_risk.len()..n], &breached[..]);

    let limited = json(&run(&["demo", "--format", "json", "--limit", "2"]));
    assert_eq!(list(&limited, "at_risk"), &at_risk[..2].to_vec());
    assert_eq!(list(&limited, "breached"), &breached[..2].to_vec());
    assert_eq!(
        list(&limited, "statuses"),
        statuses,
        "statuses are not filtered"
    );

    let level = json(&run(&["demo", "--format", "json", "--level", "critical"]));
    let kept = list(&level, "at_risk");
    assert!(kept.len() < at_risk.len());
    for s in kept {
        let crossed = s["crossed"].as_array().unwrap();
        assert!(
            crossed
                .iter()
                .any(|l| l == "critical" || l == "violation" || l == "escalation"),
            "{s}"
        );
    }
    assert_eq!(
        list(&level, "breached"),
        breached,
        "every breach is a violation"
    );

    // One account: Umbrella is A-4 (umbrella-sev1).
    let account = json(&run(&["demo", "--format", "json", "--account", "A-4"]));
    let cases: Vec<&Value> = list(&all, "cases")
        .iter()
        .filter(|c| c["account"]["id"] == "A-4")
        .collect();
    let ids: Vec<&str> = cases
        .iter()
        .map(|c| c["case_id"].as_str().unwrap())
        .collect();
    for s in list(&account, "at_risk")
        .iter()
        .chain(list(&account, "breached"))
    {
        assert!(ids.contains(&s["case_id"].as_str().unwrap()), "{s}");
    }
    let expected = at_risk
        .iter()
        .filter(|s| ids.contains(&s["case_id"].as_str().unwrap()))
        .count();
    assert_eq!(list(&account, "at_risk").len(), expected);

    // The table shows the same order and honours --limit.
    let table = text(&run(&["demo", "--limit", "1"]).stdout);
    let first = at_risk[0]["case_id"].as_str().unwrap();
    let row = table
        .lines()
        .skip_while(|l| !l.starts_with("At risk:"))
        .nth(2)
        .unwrap();
    assert!(row.trim_start().starts_with(first), "{row}");
    assert!(table.contains("--limit N shows more"));
    // The count of the rest follows the filters too.
    let on_track = |args: &[&str]| -> usize {
        let out = text(&run(args).stdout);
        let line = out
            .lines()
            .find(|l| l.contains("on track"))
            .unwrap()
            .to_string();
        line.trim_start_matches("  (")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let rest = statuses.len() - n;
    assert_eq!(on_track(&["demo"]), rest);
    let rest_a4 = statuses[n..]
        .iter()
        .filter(|s| ids.contains(&s["case_id"].as_str().unwrap()))
        .count();
    assert_eq!(on_track(&["demo", "--account", "A-4"]), rest_a4);
    assert!(rest_a4 < rest);
}

#[test]
fn the_alert_formats_give_one_payload_per_line_and_the_filters_apply() {
    let all = json(&run(&["demo", "--format", "json"]));
    let alerts = list(&all, "alerts");
    let lines = |args: &[&str]| -> Vec<Value> {
        let o = run(args);
        assert_eq!(code(&o), 0, "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
            .collect()
    };
    let nd = lines(&["demo", "--format", "ndjson"]);
    assert_eq!(&nd, alerts);
    let critical = lines(&["demo", "--format", "ndjson", "--level", "critical"]);
    assert!(!critical.is_empty() && critical.len() < nd.len());
    assert!(
        critical.iter().all(
            |a| ["critical", "violation", "escalation"].contains(&a["level"].as_str().unwrap())
        )
    );
    let slack = lines(&["demo", "--format", "slack"]);
    assert_eq!(slack.len(), alerts.len());
    assert!(slack.iter().all(|m| m["blocks"].is_array()));
    assert_eq!(lines(&["demo", "--format", "email"]).len(), alerts.len());
    let jira = lines(&["demo", "--format", "jira", "--jira-project", "SUP"]);
    assert_eq!(jira[0]["fields"]["project"]["key"], "SUP");
    let pd = lines(&["demo", "--format", "pagerduty", "--routing-key", "R0UT1NG"]);
    assert_eq!(pd[0]["routing_key"], "R0UT1NG");
    assert_eq!(pd[0]["dedup_key"], alerts[0]["key"]);
    for (format, flag) in [("jira", "--jira-project"), ("pagerduty", "--routing-key")] {
        let o = run(&["demo", "--format", format]);
        assert_eq!(code(&o), 2);
        assert!(text(&o.stderr).contains(flag));
    }
}

#[test]
fn check_reports_a_clean_document_and_exit_codes() {
    let dir = scratch("check");
    let clean = dir.join("clean.yaml");
    std::fs::write(
        &clean,
        r#"
calendars:
  desk:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
             thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
processes:
  - id: gold
    calendar: desk
    milestones:
      - { name: First Response, kind: first_response, target: 1h }
entitlements:
  - { id: acme, process: gold }
"#,
    )
    .unwrap();
    let clean = clean.display().to_string();
    let o = run(&["check", &clean]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stdout).ends_with("no warnings\n"));
    let o = run(&["check", &clean, "--format", "json"]);
    assert_eq!(json(&o), Value::Array(vec![]));
    // The sample keeps calendars the guides show and single-use statuses on purpose: warnings,
    // exit 1, each with its code, path and message.
    let o = run(&["check", &sample_rules(), "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let warnings: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = warnings
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unused_calendar"), "{codes:?}");
    assert!(warnings.as_array().unwrap().iter().all(|w| {
        !w["path"].as_str().unwrap().is_empty() && !w["message"].as_str().unwrap().is_empty()
    }));
    let o = run(&["check", &sample_rules()]);
    assert_eq!(code(&o), 1);
    assert!(
        text(&o.stdout).contains("[unused_calendar]"),
        "{}",
        text(&o.stdout)
    );
    let o = run(&["check", "missing.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("missing.yaml"));
}

#[test]
fn evaluate_gives_statuses_of_one_case_or_many() {
    let dir = scratch("evaluate");
    let one = dir.join("case.json");
    std::fs::write(
        &one,
        r#"{"id": "C-9", "entitlement": "umbrella-sev1", "created_at": "2026-11-25T15:00:00Z",
            "fields": {"severity": "Sev1"}}"#,
    )
    .unwrap();
    let rules = sample_rules();
    let one = one.display().to_string();
    let o = run(&[
        "evaluate", "--rules", &rules, "--case", &one, "--now", SAMPLE_NOW,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.lines().nth(1).unwrap().starts_with("C-9"), "{table}");
    assert!(table.contains("violated"), "{table}");
    let o = run(&[
        "evaluate",
        "--rules",
        &rules,
        "--cases",
        &sample_cases(),
        "--now",
        SAMPLE_NOW,
        "--format",
        "json",
    ]);
    let evaluations = json(&o);
    assert_eq!(evaluations.as_array().unwrap().len(), 285);
    assert_eq!(evaluations[0]["case_id"], "C-1001");
}

#[test]
fn import_writes_rules_documents_that_load() {
    let zd = |f: &str| {
        repo(&format!("examples/data/import/zendesk/{f}"))
            .display()
            .to_string()
    };
    let o = run(&[
        "import",
        "zendesk",
        "--schedules",
        &zd("schedules.json"),
        "--holidays",
        &zd("holidays.json"),
        "--sla-policies",
        &zd("sla_policies.json"),
        "--schedule",
        "Support NY",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let yaml = text(&o.stdout);
    let rules = entitlement_core::Ruleset::from_yaml(&yaml).expect("the import loads");
    assert!(rules.calendars().get("Support NY").is_some());

    let sf = |f: &str| {
        repo(&format!("examples/data/import/salesforce/{f}"))
            .display()
            .to_string()
    };
    let dir = scratch("import");
    let out = dir.join("salesforce.json");
    let o = run(&[
        "import",
        "salesforce",
        "--business-hours",
        &sf("business_hours.json"),
        "--metadata",
        &sf("metadata"),
        "--entitlements",
        &sf("entitlements.json"),
        "--sla-processes",
        &sf("sla_processes.json"),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    entitlement_core::Ruleset::from_value(&doc).expect("the import loads");
    assert!(!doc["entitlements"].as_array().unwrap().is_empty());

    let feed = repo("examples/data/import/ics/us-federal.ics")
        .display()
        .to_string();
    let o = run(&[
        "import",
        "ics",
        &feed,
        "--time-zone",
        "America/New_York",
        "--format",
        "json",
    ]);
    let holidays = json(&o);
    assert!(!holidays["holidays"].as_array().unwrap().is_empty());
    let base = dir.join("base.yaml");
    std::fs::write(
        &base,
        "time_zone: America/New_York\nhours: { mon: [\"09:00-17:00\"] }\n",
    )
    .unwrap();
    let o = run(&[
        "import",
        "ics",
        &feed,
        "--calendar",
        "ny",
        "--base",
        &base.display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("calendars:"),
        "{}",
        text(&o.stdout)
    );

    let o = run(&["import", "ics", "nowhere.ics", "--time-zone", "UTC"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("nowhere.ics"));
    let o = run(&["import", "zendesk"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn import_servicenow_writes_a_document_that_loads() {
    let sn = |f: &str| {
        repo(&format!("examples/data/import/servicenow/{f}"))
            .display()
            .to_string()
    };
    let args = |zones: &[&'static str]| {
        let mut v: Vec<String> = [
            "import",
            "servicenow",
            "--schedules",
            &sn("cmn_schedule.json"),
            "--spans",
            &sn("cmn_schedule_span.json"),
            "--other-schedules",
            &sn("cmn_other_schedule.json"),
            "--sla-definitions",
            &sn("contract_sla.json"),
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for z in zones {
            v.push("--time-zone".into());
            v.push(z.to_string());
        }
        v
    };
    let with = args(&["Ops floating=Asia/Tokyo"]);
    let o = run(&with.iter().map(String::as_str).collect::<Vec<_>>());
    let doc = json(&o);
    let rules = entitlement_core::Ruleset::from_value(&doc).expect("the import loads");
    assert_eq!(
        rules.calendars().get("Ops floating").unwrap().time_zone(),
        Some("Asia/Tokyo")
    );
    assert_eq!(
        doc["processes"][0]["milestones"].as_array().unwrap().len(),
        5
    );
    // The inactive definition and the others the guide lists are warnings, on stderr.
    assert!(text(&o.stderr).contains("warning: contract_sla d005 (Old P1) active"));
    // Without the floating schedule's zone: refused, naming the schedule and field.
    let without = args(&[]);
    let o = run(&without.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr)
            .contains("cmn_schedule 9b8a7c6d5e4f30211203a4b5c6d7e8f9 (Ops floating): time_zone"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["import", "servicenow"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn schema_prints_the_document_and_result_schemas() {
    let doc = json(&run(&["schema"]));
    assert_eq!(doc, entitlement_core::schema::ruleset_schema());
    let shipped = std::fs::read_to_string(repo("docs/schema/ruleset.schema.json")).unwrap();
    assert_eq!(
        text(&run(&["schema"]).stdout),
        shipped,
        "the regeneration command of docs/schema.md"
    );
    let results = json(&run(&["schema", "--results"]));
    assert!(results["$defs"]["MonitorReport"]["properties"]["at_risk"].is_object());
    let shipped = std::fs::read_to_string(repo("docs/schema/results.schema.json")).unwrap();
    assert_eq!(
        text(&run(&["schema", "--results"]).stdout),
        shipped,
        "the regeneration command of docs/wire-format.md"
    );
}

#[test]
fn report_writes_the_qbr_and_portfolio_pages() {
    let dir = scratch("report");
    let qbr = dir.join("qbr.html");
    let o = run(&[
        "report",
        "--account",
        "A-1",
        "--from",
        "2026-10-01",
        "--to",
        "2026-12-31",
        "--out",
        qbr.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("the bundled sample"),
        "the default is said"
    );
    let page = std::fs::read_to_string(&qbr).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Acme Corp"));

    // Own data, to the standard output; the same page as the bundled sample's at its now.
    let (rules, cases) = (sample_rules(), sample_cases());
    let o = run(&[
        "report",
        "--rules",
        &rules,
        "--cases",
        &cases,
        "--now",
        SAMPLE_NOW,
        "--account",
        "A-1",
        "--from",
        "2026-10-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), page);

    let o = run(&[
        "report",
        "--portfolio",
        "--from",
        "2026-10-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(code(&o), 0);
    assert!(text(&o.stdout).contains("data-page=\"portfolio\""));
}

#[test]
fn report_errors_are_typed() {
    let period = ["--from", "2026-10-01", "--to", "2026-12-31"];
    let o = run(&[&["report", "--account", "A-404"][..], &period].concat());
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("unknown account \"A-404\""),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains("[unknown_account]"));

    let o = run(&[
        "report",
        "--portfolio",
        "--from",
        "2026-12-31",
        "--to",
        "2026-10-01",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("[invalid_period]"),
        "{}",
        text(&o.stderr)
    );

    let o = run(&[
        "report",
        "--portfolio",
        "--from",
        "2026-02-30",
        "--to",
        "2026-10-01",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("is not a date YYYY-MM-DD"),
        "{}",
        text(&o.stderr)
    );

    let o = run(&[&["report", "--portfolio", "--goal", "120"][..], &period].concat());
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("[invalid_goal]"));

    // Neither an account nor the portfolio; both; --rules without --cases.
    assert_eq!(code(&run(&[&["report"][..], &period].concat())), 2);
    assert_eq!(
        code(&run(&[
            &["report", "--account", "A-1", "--portfolio"][..],
            &period
        ]
        .concat())),
        2
    );
    let rules = sample_rules();
    assert_eq!(
        code(&run(&[
            &["report", "--portfolio", "--rules", &rules][..],
            &period
        ]
        .concat())),
        2
    );
}

/// `entitlement export TABLE` over the sample at its own `now`, with `extra` flags.
fn export(table: &str, extra: &[&str]) -> Output {
    let (rules, cases) = (sample_rules(), sample_cases());
    let mut args = vec![
        "export", table, "--rules", &rules, "--cases", &cases, "--now", SAMPLE_NOW,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Record batches as JSON objects, through one writer: every format read back is compared in
/// one shape (instants as RFC 3339 UTC text, as the text formats write them).
fn rows_of(batches: &[arrow_array::RecordBatch]) -> Vec<Value> {
    let mut w = arrow_json::WriterBuilder::new()
        .with_explicit_nulls(true)
        .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%.fZ".into())
        .build::<_, arrow_json::writer::LineDelimited>(Vec::new());
    for b in batches {
        w.write(b).unwrap();
    }
    w.finish().unwrap();
    text(&w.into_inner())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn parquet_rows(path: &Path) -> (arrow_schema::SchemaRef, Vec<Value>) {
    let f = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    (schema, rows_of(&batches))
}

/// The CSV read back with the file's schema, its instants as the text they are.
fn csv_rows(bytes: &[u8], schema: &arrow_schema::Schema) -> Vec<Value> {
    use arrow_schema::{DataType, Field, Schema};
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Timestamp(..) => Field::new(f.name(), DataType::Utf8, true),
            _ => f.as_ref().clone().with_nullable(true),
        })
        .collect();
    let reader = arrow_csv::ReaderBuilder::new(std::sync::Arc::new(Schema::new(fields)))
        .with_header(true)
        .build(bytes)
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    rows_of(&batches)
}

fn ndjson_rows(bytes: &[u8]) -> Vec<Value> {
    text(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn export_writes_the_same_rows_in_every_format() {
    let dir = scratch("export-formats");
    for (table, core_table) in [
        ("outcomes", entitlement_tables::Table::Outcomes),
        ("accounts", entitlement_tables::Table::AccountPeriods),
    ] {
        for period in [&[][..], &["--from", "2026-11-01", "--to", "2026-11-30"]] {
            let parquet = dir.join(format!("{table}.parquet"));
            let mut args = period.to_vec();
            let out = parquet.display().to_string();
            args.extend(["--format", "parquet", "--out", &out]);
            let o = export(table, &args);
            assert_eq!(code(&o), 0, "{table}: {}", text(&o.stderr));
            assert!(o.stdout.is_empty());
            let (schema, from_parquet) = parquet_rows(&parquet);
            // The file's schema: the table's, durations in seconds, lists and JSON as text.
            let expected = entitlement_tables::files::file_schema(
                core_table,
                entitlement_tables::files::FileFormat::Parquet,
            );
            let names = |s: &arrow_schema::Schema| -> Vec<String> {
                s.fields().iter().map(|f| f.name().clone()).collect()
            };
            assert_eq!(names(&schema), names(&expected));
            for (got, want) in schema.fields().iter().zip(expected.fields()) {
                assert_eq!(got.data_type(), want.data_type(), "{table}.{}", got.name());
            }
            assert!(!from_parquet.is_empty());

            let mut args = period.to_vec();
            args.extend(["--format", "csv"]);
            let csv = export(table, &args);
            assert_eq!(code(&csv), 0, "{}", text(&csv.stderr));
            let header = text(&csv.stdout).lines().next().unwrap().to_owned();
            assert_eq!(header, names(&expected).join(","));
            let from_csv = csv_rows(&csv.stdout, &schema);

            let mut args = period.to_vec();
            args.extend(["--format", "ndjson"]);
            let nd = export(table, &args);
            assert_eq!(code(&nd), 0, "{}", text(&nd.stderr));
            let from_ndjson = ndjson_rows(&nd.stdout);

            assert_eq!(from_csv.len(), from_parquet.len(), "{table} {period:?}");
            assert_eq!(
                from_csv, from_parquet,
                "{table} {period:?}: CSV and Parquet"
            );
            assert_eq!(
                from_ndjson, from_parquet,
                "{table} {period:?}: NDJSON and Parquet"
            );
        }
    }
}

#[test]
fn exported_outcomes_are_the_reports_rows() {
    // The rows of the monitor's own report at the same `now`, by their key and outcome.
    let report = monitor(&["--now", SAMPLE_NOW, "--since", "none", "--format", "json"]);
    let report = json(&report);
    let mut started = 0;
    for case in report["cases"].as_array().unwrap() {
        for s in case["milestones"].as_array().unwrap() {
            started += usize::from(s["state"] != "pending");
        }
    }
    let o = export("outcomes", &["--format", "ndjson"]);
    let rows = ndjson_rows(&o.stdout);
    assert_eq!(rows.len(), started);
    let first = &rows[0];
    for key in [
        "target_seconds",
        "elapsed_seconds",
        "margin_seconds",
        "margin_wall_seconds",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert!(first.get("margin").is_none());
    assert!(first["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(rows.iter().any(|r| r["near_miss"] == true));
    // The near misses are those of the rollups.
    let near: u64 = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["near_misses"].as_u64().unwrap())
        .sum();
    let in_accounts = rows
        .iter()
        .filter(|r| r["near_miss"] == true && !r["entitlement"].is_null())
        .count();
    assert_eq!(in_accounts as u64, near);

    // --account keeps one account's rows; the accounts table, its one row.
    let acme = ndjson_rows(&export("outcomes", &["--format", "ndjson", "--account", "A-1"]).stdout);
    assert!(!acme.is_empty() && acme.len() < rows.len());
    assert!(acme.iter().all(|r| r["account_id"] == "A-1"));
    let accounts =
        ndjson_rows(&export("accounts", &["--format", "ndjson", "--account", "A-1"]).stdout);
    assert_eq!(accounts.len(), 1);
    let a = &accounts[0];
    assert_eq!(a["account_name"], "Acme Corp");
    let met = acme.iter().filter(|r| r["outcome"] == "met").count();
    assert_eq!(a["met"].as_u64().unwrap() as usize, met);
    // Lists and JSON are JSON text.
    let entitlements: Value = serde_json::from_str(a["entitlements"].as_str().unwrap()).unwrap();
    assert!(entitlements.is_array());
    let usage: Value = serde_json::from_str(a["usage"].as_str().unwrap()).unwrap();
    assert!(usage[0]["cases_used"].is_number());
}

#[test]
fn export_refuses_bad_flags_and_dates_with_a_typed_error() {
    let dir = scratch("export-errors");
    let o = export("outcomes", &["--format", "parquet"]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--format parquet needs --out"),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains("[invalid_value]"));
    for bad in ["2026-13-01", "2026-7-1", "yesterday", "2026-02-30"] {
        let o = export("outcomes", &["--format", "csv", "--from", bad]);
        assert_eq!(code(&o), 2, "{bad}");
        let err = text(&o.stderr);
        assert!(
            err.contains("--from") && err.contains("[invalid_date]"),
            "{bad}: {err}"
        );
        assert!(o.stdout.is_empty());
    }
    let o = export("accounts", &["--format", "csv", "--to", "2026-02-30"]);
    assert!(text(&o.stderr).contains("--to"));
    let o = export(
        "outcomes",
        &[
            "--format",
            "csv",
            "--from",
            "2026-10-01",
            "--to",
            "2026-09-30",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("--from 2026-10-01 is after --to 2026-09-30"));
    let o = export("outcomes", &["--format", "xlsx"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("xlsx"));
    let o = export("cases", &["--format", "csv"]);
    assert_eq!(code(&o), 2);
    let missing = dir.join("nowhere/out.parquet").display().to_string();
    let o = export("outcomes", &["--format", "parquet", "--out", &missing]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("nowhere"));
    // A period without any case: the header alone.
    let o = export("outcomes", &["--format", "csv", "--from", "2030-01-01"]);
    assert_eq!(code(&o), 0);
    assert_eq!(text(&o.stdout).lines().count(), 1);
}

#[test]
fn export_to_a_closed_pipe_ends_quietly() {
    let (rules, cases) = (sample_rules(), sample_cases());
    closed_pipe(&[
        "export", "outcomes", "--rules", &rules, "--cases", &cases, "--now", SAMPLE_NOW,
        "--format", "ndjson",
    ]);
}

#[test]
fn diff_lists_the_changes_and_the_deadlines_that_move_and_exits_like_diff() {
    let dir = scratch("diff");
    let doc = |sev1: &str, extra: &str| {
        format!(
            r#"
processes:
  - id: gold
    milestones:
      - {{ name: Resolution, kind: resolution, target: {{ by: severity, values: {{ Sev1: {sev1} }}, default: 8h }} }}
entitlements:
  - {{ id: acme, process: gold }}{extra}
"#
        )
    };
    let old = dir.join("old.yaml");
    let new = dir.join("new.yaml");
    std::fs::write(&old, doc("4h", "")).unwrap();
    std::fs::write(&new, doc("2h", "\n  - { id: globex, process: gold }")).unwrap();
    // A JSON document whose YAML twin is the same rules: a spelling is no change.
    let same = dir.join("same.json");
    std::fs::write(
        &same,
        r#"{"entitlements": [{"process": "gold", "id": "acme"}], "processes": [{"id": "gold",
            "milestones": [{"name": "Resolution", "kind": "resolution",
            "target": {"by": "severity", "values": {"Sev1": "PT4H"}, "default": "8h"}}]}]}"#,
    )
    .unwrap();
    let cases = dir.join("cases.json");
    std::fs::write(
        &cases,
        r#"{"now": "2026-11-25T10:30:00Z", "cases": [
            {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z", "fields": {"severity": "Sev1"}},
            {"id": "C-2", "entitlement": "globex", "created_at": "2026-11-25T10:00:00Z"}]}"#,
    )
    .unwrap();
    let (old, new, same, cases) = (
        old.display().to_string(),
        new.display().to_string(),
        same.display().to_string(),
        cases.display().to_string(),
    );

    let o = run(&["diff", &old, &same]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "no changes\n");

    let o = run(&["diff", &old, &new]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "~ processes.gold.milestones.Resolution.target.values.Sev1: process gold, milestone \
         Resolution: target for severity Sev1 changed from 4h to 2h\n\
         + entitlements.globex: entitlement globex added\n\
         2 changes\n"
    );

    let o = run(&["diff", &old, &new, "--cases", &cases, "--json"]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["has_changes"], true);
    assert_eq!(d["changes"].as_array().unwrap().len(), 2);
    let moved = &d["deadlines"][0];
    assert_eq!(moved["case_id"], "C-1");
    assert_eq!(moved["change"], "moved");
    assert_eq!(moved["old_target_at"], "2026-11-25T14:00:00Z");
    assert_eq!(moved["new_target_at"], "2026-11-25T12:00:00Z");
    assert_eq!(moved["delta"], -7200.0);
    assert_eq!(d["deadlines"].as_array().unwrap().len(), 1);
    // C-2 names an entitlement only the new rules define: reported, not fatal.
    assert_eq!(d["errors"][0]["side"], "old");
    assert_eq!(d["errors"][0]["code"], "unknown_entitlement");

    let o = run(&[
        "diff",
        &old,
        &new,
        "--cases",
        &cases,
        "--now",
        "2026-11-25T11:00:00Z",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("at 2026-11-25T11:00:00Z:\n  C-1 Resolution #1: 2026-11-25T14:00:00Z -> 2026-11-25T12:00:00Z (-2h)\n1 deadline moves\n"),
        "{out}"
    );
    assert!(
        out.contains("  cases[1].entitlement (old rules): "),
        "{out}"
    );

    let o = run(&["diff", &old, "missing.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("missing.yaml"));
    let o = run(&["diff", &old, &new, "--json", "--format", "text"]);
    assert_eq!(code(&o), 2, "--json and --format conflict");
    let o = run(&["diff", "--help"]);
    assert!(text(&o.stdout).contains("1  the documents differ"));
}

#[test]
fn diff_of_the_shared_pair_is_the_checked_in_answer() {
    let pair = |f: &str| repo(&format!("tests/diff/{f}")).display().to_string();
    let o = run(&[
        "diff",
        &pair("old.yaml"),
        &pair("new.yaml"),
        "--cases",
        &pair("cases.json"),
        "--json",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(pair("expected.json")).unwrap()).unwrap();
    assert_eq!(got, expected);
}

/// A rules document in the shape the Salesforce importer gives: what `export salesforce`
/// writes, `import salesforce` reads back to the same processes and calendars.
const SALESFORCE_RULES: &str = r#"
calendars:
  Support NY:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"] }
    holidays:
      - { name: Thanksgiving, yearly: { month: 11, weekday: thu, nth: 4 }, starts: "2026-01-01" }
      - { name: Closure, date: "2026-12-24", hours: "12:00-24:00" }
processes:
  - id: Gold Support
    name: Gold Support
    version: 1
    calendar: Support NY
    exit_statuses: [Closed]
    milestones:
      - name: First Response
        kind: custom
        starts_on: [created, started.First_Response]
        completes_on: [completed.First_Response]
        when: { field: priority, op: in, value: [High, Urgent] }
        target: 60m
        triggers: [ { at: "-15m", level: warning, actions: [Notify_Owner] } ]
monitor:
  actions:
    Notify_Owner: { label: Notify Owner, details: Salesforce workflow action (imported) }
"#;

#[test]
fn export_salesforce_writes_a_project_that_imports_back() {
    let dir = scratch("export-salesforce");
    let rules = dir.join("rules.yaml");
    std::fs::write(&rules, SALESFORCE_RULES).unwrap();
    let out = dir.join("project");
    let o = run(&[
        "export",
        "salesforce",
        &rules.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let listed = text(&o.stdout);
    for file in [
        "manifest/package.xml",
        "sfdx-project.json",
        "force-app/main/default/entitlementProcesses/gold support.entitlementProcess-meta.xml",
        "force-app/main/default/milestoneTypes/First Response.milestoneType-meta.xml",
        "force-app/main/default/settings/BusinessHours.settings-meta.xml",
        "data/business_hours.json",
        "data/holidays.json",
        "README.md",
    ] {
        assert!(out.join(file).is_file(), "{file} not written");
        assert!(listed.contains(file), "{file} not listed in {listed}");
    }
    let o = run(&[
        "import",
        "salesforce",
        "--metadata",
        &out.join("force-app/main/default").display().to_string(),
        "--business-hours",
        &out.join("data/business_hours.json").display().to_string(),
        "--holidays",
        &out.join("data/holidays.json").display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let back: Value = serde_json::from_slice(&o.stdout).unwrap();
    let original: Value = {
        let yaml = entitlement_core::Ruleset::from_yaml(SALESFORCE_RULES).unwrap();
        yaml.to_value()
    };
    let reloaded = entitlement_core::Ruleset::from_value(&back)
        .unwrap()
        .to_value();
    assert_eq!(reloaded["processes"], original["processes"]);
    assert_eq!(reloaded["calendars"], original["calendars"]);
}

#[test]
fn export_refuses_what_the_vendor_cannot_hold_and_writes_nothing() {
    let dir = scratch("export-refused");
    let out = dir.join("out");
    // The sample rules use unions, overrides, built-in milestone kinds and tiers.
    let o = run(&[
        "export",
        "salesforce",
        &sample_rules(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("[unsupported]"), "{err}");
    assert!(err.contains("more refusal"), "{err}");
    assert!(
        !out.exists(),
        "nothing is written when the export is refused"
    );
    let o = run(&[
        "export",
        "zendesk",
        &sample_rules(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("[unsupported]"));
    assert!(!out.exists());
    let o = run(&[
        "export",
        "zendesk",
        &sample_rules(),
        "--out",
        &out.display().to_string(),
        "--expand-holidays",
        "2027",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("FIRST..LAST"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn export_review_writes_a_page_of_the_sample_rules() {
    let dir = scratch("export-review");
    let out = dir.join("review");
    let o = run(&[
        "export",
        "review",
        &sample_rules(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let page = std::fs::read_to_string(out.join("review.md")).unwrap();
    assert!(page.starts_with("# Review of the SLA rules"));
    assert!(page.contains("## Entitlements"));
    assert_eq!(
        text(&o.stdout).trim(),
        out.join("review.md").display().to_string()
    );
}

#[test]
fn import_dynamics_writes_a_document_that_loads() {
    let dy = |f: &str| {
        repo(&format!("examples/data/import/dynamics/{f}"))
            .display()
            .to_string()
    };
    let help = run(&["import", "dynamics", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(text(&help.stdout).contains("Exit codes:"));
    let o = run(&[
        "import",
        "dynamics",
        "--calendars",
        &dy("calendars.json"),
        "--slas",
        &dy("slas.json"),
        "--sla-items",
        &dy("slaitems.json"),
        "--kpis",
        &dy("slakpis.json"),
        "--pause-status",
        "2",
        "--pause-status",
        "3",
        "--entitlements",
        &dy("entitlements.json"),
        "--channels",
        &dy("entitlementchannels.json"),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let rules = entitlement_core::Ruleset::from_yaml(&text(&o.stdout)).expect("the import loads");
    assert!(rules.calendars().get("London Support").is_some());
    assert_eq!(rules.processes().len(), 2);
    // The entitlements' remaining terms are reported on the standard error.
    assert!(
        text(&o.stderr).contains("remainingterms"),
        "{}",
        text(&o.stderr)
    );
    // A refusal names the file, the record and the field, and exits 2.
    let bad = scratch("import-dynamics").join("slas.json");
    std::fs::write(
        &bad,
        r#"[{"slaid": "s1", "name": "X", "primaryentityotc": 4212}]"#,
    )
    .unwrap();
    let o = run(&["import", "dynamics", "--slas", &bad.display().to_string()]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("SLA s1 (X): primaryentityotc"),
        "{}",
        text(&o.stderr)
    );
}
