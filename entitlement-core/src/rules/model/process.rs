//! Processes (an ordered set of milestones, in versions) and the references to them.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::milestone::Milestone;
use super::{is_false, opt, string, strings};
use crate::document::{
    as_array, as_bool, as_object, check_keys, index_path, key_path, required, type_name,
};
use crate::error::{Error, Result};

/// An entitlement process (a Salesforce entitlement process, a Zendesk SLA policy, a JSM SLA).
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// assert_eq!((process.id.as_str(), process.version), ("gold", 2));
/// assert_eq!(process.pause_statuses, vec!["Waiting on Customer"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Its id; several versions may share it.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its version (1 when omitted).
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub version: u32,
    /// Whether this version applies when an entitlement does not pin one (else the highest).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// The default calendar of its milestones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Statuses that pause the clock of every milestone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_statuses: Vec<String>,
    /// Statuses that end the process (as a `closed` event does).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exit_statuses: Vec<String>,
    /// Its milestones, in order.
    pub milestones: Vec<Milestone>,
}

fn one() -> u32 {
    1
}

impl Process {
    /// The case field the process tiers by: that of the first of its milestones whose target
    /// is a table by tier (`None` when every target is fixed). The breach log
    /// ([`crate::rules::MonitorReport::outcomes`]) records each case's value of it.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::tiered_target();
    /// assert_eq!(rules.processes()[0].tier_field(), Some("severity"));
    /// ```
    pub fn tier_field(&self) -> Option<&str> {
        self.milestones.iter().find_map(|m| m.target.tier_field())
    }

    pub(crate) fn parse(v: &Value, path: &str) -> Result<Process> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "id",
                "name",
                "version",
                "default",
                "calendar",
                "pause_statuses",
                "exit_statuses",
                "milestones",
            ],
        )?;
        let version = opt(map, path, "version", |v, p| {
            v.as_u64()
                .filter(|n| (1..=u32::MAX as u64).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| Error::InvalidType {
                    path: p.to_string(),
                    expected: "a positive integer".into(),
                    found: type_name(v),
                })
        })?
        .unwrap_or(1);
        let mp = key_path(path, "milestones");
        let mut milestones: Vec<Milestone> = Vec::new();
        for (i, m) in as_array(required(map, path, "milestones")?, &mp)?
            .iter()
            .enumerate()
        {
            let ip = index_path(&mp, i);
            let m = Milestone::parse(m, &ip)?;
            if milestones.iter().any(|o| o.name == m.name) {
                return Err(Error::Duplicate {
                    path: key_path(&ip, "name"),
                    what: "milestone",
                    id: m.name,
                });
            }
            milestones.push(m);
        }
        Ok(Process {
            id: string(required(map, path, "id")?, &key_path(path, "id"))?,
            name: opt(map, path, "name", string)?,
            version,
            default: opt(map, path, "default", as_bool)?.unwrap_or(false),
            calendar: opt(map, path, "calendar", string)?,
            pause_statuses: opt(map, path, "pause_statuses", strings)?.unwrap_or_default(),
            exit_statuses: opt(map, path, "exit_statuses", strings)?.unwrap_or_default(),
            milestones,
        })
    }
}

/// Which process an entitlement (or a case) uses: an id, or an id with a pinned version.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::ProcessRef;
/// let pinned = &rules.entitlements()[0].process;
/// assert_eq!(pinned, &ProcessRef::Pinned { id: "gold".into(), version: 2 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum ProcessRef {
    /// The process's default version (the one marked `default: true`, else the highest).
    Id(String),
    /// A pinned version.
    Pinned {
        /// The process id.
        id: String,
        /// The version.
        #[schemars(range(min = 1))]
        version: u32,
    },
}

impl ProcessRef {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<ProcessRef> {
        match v {
            Value::String(_) => Ok(ProcessRef::Id(string(v, path)?)),
            Value::Object(map) => {
                check_keys(map, path, &["id", "version"])?;
                let id = string(required(map, path, "id")?, &key_path(path, "id"))?;
                match map.get("version") {
                    None => Ok(ProcessRef::Id(id)),
                    Some(n) => {
                        let vp = key_path(path, "version");
                        let version = n
                            .as_u64()
                            .filter(|n| (1..=u32::MAX as u64).contains(n))
                            .ok_or_else(|| Error::InvalidType {
                                path: vp,
                                expected: "a positive integer".into(),
                                found: type_name(n),
                            })? as u32;
                        Ok(ProcessRef::Pinned { id, version })
                    }
                }
            }
            other => Err(Error::InvalidType {
                path: path.to_string(),
                expected: "a process id, or {id, version}".into(),
                found: type_name(other),
            }),
        }
    }

    /// The process id.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::gold_v2();
    /// # let process = &rules.processes()[0];
    /// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
    /// assert_eq!(rules.entitlements()[0].process.id(), "gold");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        match self {
            ProcessRef::Id(id) | ProcessRef::Pinned { id, .. } => id,
        }
    }
}
