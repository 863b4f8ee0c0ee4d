//! Prints the one description of every result type (`host::result_schema`) as JSON: the input
//! of the bindings' stub generators.
//!
//! ```text
//! cargo run -q -p entitlement-core --example result_schema > target/result_schema.json
//! ```

fn main() {
    let schema = entitlement_core::host::result_schema();
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("a JSON value serialises")
    );
}
