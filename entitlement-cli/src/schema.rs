//! `entitlement schema`: the JSON Schema of the rules document, of the results, or the OpenAPI
//! document of `entitlement serve`.

use crate::args::SchemaArgs;
use crate::output::{Failure, Out, Status, json_pretty};

pub fn run(args: SchemaArgs, out: &mut Out) -> Result<Status, Failure> {
    let schema = if args.openapi {
        crate::serve::openapi::document()
    } else if args.results {
        entitlement_core::schema::results_schema()
    } else {
        entitlement_core::schema::ruleset_schema()
    };
    json_pretty(out, &schema)?;
    Ok(Status::Clean)
}
