//! The main job's JSON report over the bundled sample data (`examples/data/rules.yaml`,
//! `examples/data/cases.json`, at the sample's own `now`), byte for byte against the committed
//! copy `tests/golden/monitor.json`. Any change of output fails here: of an event, an alert's
//! wording, a rollup, a status, a field's name or order, or the formatting of a number or an
//! instant.
//!
//! The copy is kept as plain JSON (1.1 MB, about 40,000 lines): git stores it compressed (about
//! 60 KB) and a change to it is a readable diff, which a compressed file or a hash would not be.
//!
//! When a change of output is intended, rewrite the copy and review its diff:
//! `ENTITLEMENT_BLESS=1 cargo test -p entitlement-cli --test golden`.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_json_report_over_the_sample_data_is_unchanged() {
    let golden_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/monitor.json");
    let output = Command::new(env!("CARGO_BIN_EXE_entitlement"))
        .args(["demo", "--format", "json"])
        .output()
        .expect("the entitlement command runs");
    assert!(
        output.status.success(),
        "entitlement demo --format json failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let actual = output.stdout;
    if std::env::var_os("ENTITLEMENT_BLESS").is_some() {
        std::fs::write(&golden_path, &actual).expect("write the golden copy");
        return;
    }
    let golden = std::fs::read(&golden_path).expect("read tests/golden/monitor.json");
    if actual == golden {
        return;
    }
    // Keep what was printed for a `diff`, and name the first line that differs.
    let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("monitor.actual.json");
    std::fs::write(&kept, &actual).expect("keep the actual output");
    let (a, g) = (
        String::from_utf8_lossy(&actual),
        String::from_utf8_lossy(&golden),
    );
    let line = a
        .lines()
        .zip(g.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(g.lines().count()));
    panic!(
        "entitlement demo --format json differs from tests/golden/monitor.json from line {} on \
         ({} bytes against {}):\n  golden: {}\n  actual: {}\nthe whole output: {}\n\
         (`diff {} {}`; if the change is intended: ENTITLEMENT_BLESS=1)",
        line + 1,
        actual.len(),
        golden.len(),
        g.lines().nth(line).unwrap_or("<end>"),
        a.lines().nth(line).unwrap_or("<end>"),
        kept.display(),
        golden_path.display(),
        kept.display(),
    );
}
