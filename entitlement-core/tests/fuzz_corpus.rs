//! The fuzz targets' seed corpus (`fuzz/corpus/`), replayed on stable Rust: the same bodies as
//! the cargo-fuzz binaries (`fuzz/src/`, included here), over every committed input. A finding
//! the fuzzers made and that was fixed stays fixed, because its input is in the corpus.

// Public within the test binary: the DST torture (`zones.rs`) checks its calendars with the same
// laws as the fuzzers (`targets::laws`).
#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
pub mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_has_a_binary_and_a_seed_corpus() {
    let mut binaries: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| e.expect("an entry").path())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    binaries.sort();
    let mut names: Vec<String> = targets::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    assert_eq!(
        binaries, names,
        "fuzz/fuzz_targets and TARGETS list the same targets"
    );
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for name in &names {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} has a [[bin]] entry"
        );
        assert!(corpus(name).len() >= 3, "{name} has a seed corpus");
    }
}

#[test]
fn the_seed_corpus_replays_without_a_finding() {
    let mut failures = Vec::new();
    let mut inputs = 0;
    for (name, run) in targets::TARGETS {
        for file in corpus(name) {
            let data = std::fs::read(&file).expect("a corpus file");
            inputs += 1;
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| run(&data))) {
                let what = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name}: {}: {what}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {inputs} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
