//! `EntitlementProcess` and `MilestoneType` Metadata API XML into versioned processes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};
use serde_json::{Map, Value, json};

use super::filter::{FilterItem, criteria};
use super::{completed_event, started_event};
use crate::document::MAX_DOCUMENT_BYTES;
use crate::error::{Error, Result};
use crate::import::{Import, Warning, unsupported};

/// The longest target or trigger offset imported, in minutes.
const MAX_MINUTES: i64 = crate::import::MAX_TARGET_MINUTES;

/// One metadata file: its name (`gold_support.entitlementProcess-meta.xml`) and its text.
///
/// ```
/// use entitlement_core::import::salesforce::{self, MetadataFile};
///
/// let file = MetadataFile {
///     name: "basic.entitlementProcess-meta.xml".into(),
///     text: "<EntitlementProcess><name>Basic</name></EntitlementProcess>".into(),
/// };
/// let imported = salesforce::entitlement_processes(&[file])?;
/// assert_eq!(imported.document["processes"][0]["id"], "Basic");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFile {
    /// The file name, with its suffix; the part before the suffix is the component's full name.
    pub name: String,
    /// The XML text.
    pub text: String,
}

impl MetadataFile {
    /// A file from its name and bytes (UTF-8; anything else is an `unsupported` error naming
    /// the file).
    ///
    /// ```
    /// use entitlement_core::import::salesforce::MetadataFile;
    ///
    /// let file = MetadataFile::from_bytes("First Response.milestoneType-meta.xml", b"<MilestoneType/>")?;
    /// assert_eq!(file.text, "<MilestoneType/>");
    /// assert_eq!(MetadataFile::from_bytes("x.milestoneType", &[0xff]).unwrap_err().code(), "unsupported");
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<MetadataFile> {
        Ok(MetadataFile {
            name: name.to_string(),
            text: crate::import::read::utf8(bytes, name, "a metadata XML file")?.to_string(),
        })
    }
}

/// What a metadata file holds, by its suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Process,
    MilestoneType,
}

const SUFFIXES: [(&str, Kind); 4] = [
    (".entitlementProcess-meta.xml", Kind::Process),
    (".entitlementProcess", Kind::Process),
    (".milestoneType-meta.xml", Kind::MilestoneType),
    (".milestoneType", Kind::MilestoneType),
];

fn kind_of(name: &str) -> Option<(Kind, &str)> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    SUFFIXES
        .iter()
        .find_map(|(suffix, kind)| base.strip_suffix(suffix).map(|stem| (*kind, stem)))
}

/// The metadata files of a retrieved folder: `entitlementProcesses/*.entitlementProcess-meta.xml`
/// and `milestoneTypes/*.milestoneType-meta.xml` under `folder` (a project's
/// `force-app/main/default`, or an `unpackaged` folder of `.entitlementProcess` /
/// `.milestoneType` files), or such files in `folder` itself. Sorted by name.
///
/// ```no_run
/// use entitlement_core::import::salesforce;
///
/// let files = salesforce::read_metadata_folder("force-app/main/default".as_ref())?;
/// let processes = salesforce::entitlement_processes(&files)?;
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn read_metadata_folder(folder: &Path) -> Result<Vec<MetadataFile>> {
    let shown = folder.display().to_string();
    let io = |path: &Path, e: std::io::Error| Error::InvalidValue {
        path: path.display().to_string(),
        reason: format!("cannot read it: {e}"),
    };
    if !folder.is_dir() {
        return Err(Error::InvalidValue {
            path: shown,
            reason: "not a folder; give the folder that holds entitlementProcesses/ and milestoneTypes/ (a retrieved project's force-app/main/default)".into(),
        });
    }
    let mut files = Vec::new();
    for dir in [
        folder.to_path_buf(),
        folder.join("entitlementProcesses"),
        folder.join("milestoneTypes"),
    ] {
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let path = entry.map_err(|e| io(&dir, e))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if kind_of(name).is_none() || !path.is_file() {
                continue;
            }
            // Checked on the open file: the entry may have changed since it was listed.
            let bytes = crate::document::read_file(&path, MAX_DOCUMENT_BYTES)?;
            files.push(MetadataFile::from_bytes(name, &bytes)?);
        }
    }
    if !files
        .iter()
        .any(|f| matches!(kind_of(&f.name), Some((Kind::Process, _))))
    {
        return Err(Error::InvalidValue {
            path: shown,
            reason: "no entitlement process here: expected entitlementProcesses/*.entitlementProcess-meta.xml (or .entitlementProcess files)".into(),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Processes from `EntitlementProcess` metadata (one process per lineage of versions; each file
/// one version), with the recurrence of each milestone from the `MilestoneType` files among
/// `files` (files of other kinds are an error naming them).
///
/// A process's `id` and `name` are the `name` element, which the versions of a process share
/// (the file name is `NameNorm`, with `_v2` appended for versions); `versionNumber` is its
/// version and `isVersionDefault` its default mark; versions that share `versionMaster` are one
/// process even if renamed (the default version's name wins, with a warning). `businessHours`
/// (the process's and each milestone's) name calendars, as [`business_hours`](super::business_hours)
/// names them.
///
/// Each milestone item becomes a `custom` milestone: it starts at the process's entry (the
/// case's creation for `entryStartDateField` `Case.CreatedDate`) and on
/// `started.<milestoneName>`, completes on `completed.<milestoneName>` (what
/// [`cases`](super::cases) makes of `CaseMilestone` rows), with `minutesToComplete` as its
/// target, `milestoneCriteriaFilterItems` (and `criteriaBooleanFilter`) as its `when`,
/// `timeTriggers` as triggers (negative `timeLength` a warning before the target, zero or
/// positive a violation at or after it), and the recurrence of its `MilestoneType`
/// (`recursIndependently` → `independent`, `recursChained` → `sequential`). Exit criteria on
/// `Case.IsClosed` are the engine's `closed` event; on `Case.Status`, exit statuses.
///
/// Refused with an `unsupported` error naming the file and the field: criteria formulas
/// (`milestoneCriteriaFormula`, `exitCriteriaFormula`, quoted), targets from an Apex class
/// (`minutesCustomClass`), filter operations other than equals / notEqual / lessThan /
/// greaterThan / lessOrEqual / greaterOrEqual, exit criteria on other fields, record types,
/// other start fields. `successActions` become the milestone's `on_complete` actions, named by
/// their `name` as `timeTriggers` actions are (the host runs actions: the monitor names them in
/// its `milestone_completed` events).
///
/// ```
/// use entitlement_core::import::salesforce::{self, MetadataFile};
///
/// let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
/// <EntitlementProcess xmlns="http://soap.sforce.com/2006/04/metadata">
///     <SObjectType>Case</SObjectType>
///     <active>true</active>
///     <businessHours>Support</businessHours>
///     <entryStartDateField>Case.CreatedDate</entryStartDateField>
///     <exitCriteriaFilterItems>
///         <field>Case.IsClosed</field><operation>equals</operation><value>true</value>
///     </exitCriteriaFilterItems>
///     <milestones>
///         <milestoneCriteriaFilterItems>
///             <field>Case.Priority</field><operation>equals</operation><value>High</value>
///         </milestoneCriteriaFilterItems>
///         <milestoneName>First Response</milestoneName>
///         <minutesToComplete>60</minutesToComplete>
///         <successActions><name>Resolve_Page</name><type>OutboundMessage</type></successActions>
///         <timeTriggers>
///             <actions><name>Notify_Owner</name><type>Alert</type></actions>
///             <timeLength>-15</timeLength>
///             <workflowTimeTriggerUnit>Minutes</workflowTimeTriggerUnit>
///         </timeTriggers>
///         <useCriteriaStartTime>true</useCriteriaStartTime>
///     </milestones>
///     <name>Gold Support</name>
///     <versionNumber>1</versionNumber>
/// </EntitlementProcess>"#;
/// let files = [MetadataFile { name: "gold_support.entitlementProcess-meta.xml".into(), text: xml.into() }];
/// let imported = salesforce::entitlement_processes(&files)?;
/// let process = &imported.document["processes"][0];
/// assert_eq!(process["id"], "Gold Support");
/// assert_eq!(process["calendar"], "Support");
/// let first = &process["milestones"][0];
/// assert_eq!(first["target"], "60m");
/// assert_eq!(first["completes_on"][0], "completed.First_Response");
/// assert_eq!(first["when"], serde_json::json!({"field": "priority", "op": "eq", "value": "High"}));
/// assert_eq!(first["triggers"][0]["at"], "-15m");
/// assert_eq!(first["on_complete"], serde_json::json!(["Resolve_Page"]));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn entitlement_processes(files: &[MetadataFile]) -> Result<Import> {
    let mut warnings = Vec::new();
    let mut recurrence: HashMap<String, &'static str> = HashMap::new();
    let mut processes = Vec::new();
    for file in files {
        // A file without the metadata suffix (XML text passed alone) is known by its root.
        let kind = kind_of(&file.name).or_else(|| {
            let stem = file.name.strip_suffix(".xml").unwrap_or(&file.name);
            match root_name(&file.text)? {
                "EntitlementProcess" => Some((Kind::Process, stem)),
                "MilestoneType" => Some((Kind::MilestoneType, stem)),
                _ => None,
            }
        });
        match kind {
            Some((Kind::MilestoneType, stem)) => {
                let (name, r) = milestone_type(file, &decode_name(stem))?;
                recurrence.insert(name, r);
            }
            Some((Kind::Process, stem)) => processes.push((file, decode_name(stem))),
            None => {
                return Err(unsupported(
                    &file.name,
                    "(file)",
                    "not a metadata file of entitlement management: expected a name ending in .entitlementProcess-meta.xml or .milestoneType-meta.xml (or .entitlementProcess / .milestoneType), or the XML of an <EntitlementProcess> or a <MilestoneType>",
                ));
            }
        }
    }
    if processes.is_empty() {
        return Err(unsupported(
            "EntitlementProcess",
            "(files)",
            "no .entitlementProcess-meta.xml file among the files given",
        ));
    }
    let mut read = Vec::with_capacity(processes.len());
    for (file, stem) in processes {
        read.push(process(file, &stem, &recurrence, &mut warnings)?);
    }
    let ids = lineage_ids(&read, &mut warnings)?;
    let mut seen: HashMap<(String, u32), &str> = HashMap::new();
    let mut docs = Vec::with_capacity(read.len());
    for (p, id) in read.iter().zip(ids) {
        if let Some(other) = seen.insert((id.clone(), p.version), &p.record) {
            return Err(unsupported(
                &p.record,
                "versionNumber",
                format!("version {} of {id:?} is also defined by {other}", p.version),
            ));
        }
        let mut doc = Map::new();
        doc.insert("id".into(), json!(id));
        doc.insert("name".into(), json!(p.name));
        doc.insert("version".into(), json!(p.version));
        if p.default {
            doc.insert("default".into(), json!(true));
        }
        if let Some(c) = &p.calendar {
            doc.insert("calendar".into(), json!(c));
        }
        if !p.exit_statuses.is_empty() {
            doc.insert("exit_statuses".into(), json!(p.exit_statuses));
        }
        doc.insert("milestones".into(), Value::Array(p.milestones.clone()));
        docs.push(Value::Object(doc));
    }
    let mut document = json!({ "processes": docs });
    if let Some(catalogue) = action_catalogue(&document["processes"]) {
        document["monitor"] = json!({ "actions": catalogue });
    }
    Ok(Import { document, warnings })
}

/// The action catalogue (`monitor.actions`) of the Salesforce actions the processes name (in
/// triggers, and in `on_complete` lists), so that the imported document loads: a rule may
/// name only built-in or catalogued actions. The label is the action's API name in words
/// (`Notify_Case_Owner` → `Notify Case Owner`). `None` when every action is built in.
fn action_catalogue(processes: &Value) -> Option<Value> {
    let mut catalogue = Map::new();
    let mut add = |name: &str| {
        let builtin = crate::rules::BUILTIN_ACTIONS
            .iter()
            .any(|(b, _)| *b == name);
        if !builtin && !catalogue.contains_key(name) {
            catalogue.insert(
                name.to_string(),
                json!({"label": name.replace('_', " "), "details": "Salesforce workflow action (imported)"}),
            );
        }
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for p in processes.as_array().into_iter().flatten() {
        for m in p["milestones"].as_array().into_iter().flatten() {
            for t in m["triggers"].as_array().into_iter().flatten() {
                strings(&t["actions"]).iter().for_each(|a| add(a));
            }
            strings(&m["on_complete"]).iter().for_each(|a| add(a));
        }
    }
    (!catalogue.is_empty()).then_some(Value::Object(catalogue))
}

/// The local name of a text's root element, if it is XML at all.
fn root_name(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest
            .strip_prefix("<?")
            .or_else(|| rest.strip_prefix("<!--"))
        {
            let close = if rest.starts_with("<?") { "?>" } else { "-->" };
            rest = &after[after.find(close)? + close.len()..];
            continue;
        }
        let tag = rest.strip_prefix('<')?;
        let end = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
        let name = &tag[..end];
        return Some(name.rsplit(':').next().unwrap_or(name));
    }
}

/// A file stem as the component's name: metadata tools percent-encode some characters.
fn decode_name(stem: &str) -> String {
    let b = stem.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = stem.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| stem.to_string())
}

/// The most attributes (namespace declarations included) one element of a metadata file may
/// carry. Salesforce writes one, the `xmlns` of the root; the XML parser compares each
/// attribute of an element with the element's others, so an element with tens of thousands of
/// them would cost time growing with their square. Past it: a `limit_exceeded` error naming the
/// file, the element and its line.
pub const MAX_XML_ATTRIBUTES: usize = 64;

/// The most namespace declarations (`xmlns`, `xmlns:x`) in one metadata file: an element that
/// declares one gets a copy of those in scope, so many declarations over many elements would
/// cost their product. Past it: a `limit_exceeded` error naming the file and the element.
pub const MAX_XML_NAMESPACES: usize = 64;

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// One pass over the text, before the parser sees it: refuses an element with more than
/// [`MAX_XML_ATTRIBUTES`] attributes, or a file with more than [`MAX_XML_NAMESPACES`]
/// namespace declarations. It counts every `=` outside quotes in a start tag, an upper bound
/// of the attributes the parser reads (text it cannot tokenize, it leaves to the parser to
/// refuse).
fn check_bounds(text: &str, record: &str) -> Result<()> {
    let b = text.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    let mut namespaces = 0usize;
    let mut i = 0;
    let over = |stack: &[&str], at: usize, reason: String| Error::LimitExceeded {
        path: format!(
            "{record}: <{}> (line {})",
            stack.join("/"),
            1 + b[..at].iter().filter(|&&c| c == b'\n').count()
        ),
        reason,
    };
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        let rest = &b[start..];
        let skip = |close: &[u8]| find(b, start + 2, close).map(|e| e + close.len());
        if rest.starts_with(b"<!--") {
            let Some(e) = skip(b"-->") else { return Ok(()) };
            i = e;
        } else if rest.starts_with(b"<?") {
            let Some(e) = skip(b"?>") else { return Ok(()) };
            i = e;
        } else if rest.starts_with(b"<![CDATA[") {
            let Some(e) = skip(b"]]>") else { return Ok(()) };
            i = e;
        } else if rest.starts_with(b"<!") {
            // A document type declaration, which the parser refuses.
            return Ok(());
        } else if rest.starts_with(b"</") {
            let Some(e) = skip(b">") else { return Ok(()) };
            stack.pop();
            i = e;
        } else {
            // A start tag: its name, then attributes up to the `>` outside quotes.
            let mut j = start + 1;
            while j < b.len() && !matches!(b[j], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') {
                j += 1;
            }
            stack.push(text.get(start + 1..j).unwrap_or("?"));
            let mut attributes = 0usize;
            let mut name_start = None;
            let mut name = (j, j);
            let mut quote = None;
            let mut closed = false;
            while j < b.len() {
                let c = b[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        b'"' | b'\'' => quote = Some(c),
                        b'>' => {
                            closed = true;
                            if b[j - 1] == b'/' {
                                stack.pop();
                            }
                            break;
                        }
                        b'<' => return Ok(()),
                        b'=' => {
                            if let Some(s) = name_start.take() {
                                name = (s, j);
                            }
                            attributes += 1;
                            if attributes > MAX_XML_ATTRIBUTES {
                                return Err(over(
                                    &stack,
                                    start,
                                    format!(
                                        "more than {MAX_XML_ATTRIBUTES} attributes on one element; Salesforce metadata has at most a namespace declaration or two"
                                    ),
                                ));
                            }
                            if b[name.0..name.1].starts_with(b"xmlns") {
                                namespaces += 1;
                                if namespaces > MAX_XML_NAMESPACES {
                                    return Err(over(
                                        &stack,
                                        start,
                                        format!(
                                            "more than {MAX_XML_NAMESPACES} namespace declarations in one file; Salesforce metadata has one or two"
                                        ),
                                    ));
                                }
                            }
                        }
                        b' ' | b'\t' | b'\r' | b'\n' => {
                            if let Some(s) = name_start.take() {
                                name = (s, j);
                            }
                        }
                        _ => {
                            if name_start.is_none() {
                                name_start = Some(j);
                            }
                        }
                    },
                }
                j += 1;
            }
            if !closed {
                return Ok(());
            }
            i = j + 1;
        }
    }
    Ok(())
}

fn parse<'a>(file: &'a MetadataFile, record: &str) -> Result<Document<'a>> {
    check_bounds(&file.text, record)?;
    Document::parse_with_options(
        &file.text,
        ParsingOptions {
            allow_dtd: false,
            ..ParsingOptions::default()
        },
    )
    .map_err(|e| unsupported(record, "(xml)", format!("not well-formed XML: {e}")))
}

fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

fn name_of<'a>(node: &Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

/// An element's text, trimmed.
fn text_of(node: Node<'_, '_>) -> String {
    node.children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_string()
}

fn flag(node: Node<'_, '_>, record: &str, field: &str) -> Result<bool> {
    match text_of(node).as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(unsupported(
            record,
            field,
            format!("expected true or false, found {other:?}"),
        )),
    }
}

fn whole(node: Node<'_, '_>, record: &str, field: &str) -> Result<i64> {
    let text = text_of(node);
    text.parse::<i64>().map_err(|_| {
        unsupported(
            record,
            field,
            format!("expected a whole number, found {text:?}"),
        )
    })
}

/// Refuses a field that an element holds once, given twice (`minutesToComplete` twice in one
/// milestone): which of the two Salesforce would use is unknown, and keeping either drops the
/// other silently. `seen` holds the fields met so far in the element (at most the element's
/// known fields, so a short list).
fn once(seen: &mut Vec<&'static str>, field: &'static str, record: &str, path: &str) -> Result<()> {
    if seen.contains(&field) {
        return Err(unsupported(
            record,
            path,
            "given twice in one element; Salesforce metadata gives it once, and the importer will not pick one",
        ));
    }
    seen.push(field);
    Ok(())
}

fn ignored(record: &str, field: &str, what: &str) -> Warning {
    Warning {
        record: record.to_string(),
        field: field.to_string(),
        message: format!("not read: the importer does not know the element <{what}>"),
    }
}

/// A `MilestoneType` file: its name (the file's, or `fullName`) and the document's recurrence.
fn milestone_type(file: &MetadataFile, stem: &str) -> Result<(String, &'static str)> {
    let record = format!("MilestoneType {}", file.name);
    let doc = parse(file, &record)?;
    let root = doc.root_element();
    if name_of(&root) != "MilestoneType" {
        return Err(unsupported(
            &record,
            "(root)",
            format!("expected <MilestoneType>, found <{}>", name_of(&root)),
        ));
    }
    let mut name = stem.to_string();
    let mut recurrence = "none";
    let mut seen = Vec::new();
    for child in elements(root) {
        match name_of(&child) {
            "fullName" => {
                once(&mut seen, "fullName", &record, "fullName")?;
                name = text_of(child);
            }
            "recurrenceType" | "RecurrenceType" => {
                once(&mut seen, "recurrenceType", &record, name_of(&child))?;
                recurrence = match text_of(child).as_str() {
                    "none" => "none",
                    "recursIndependently" => "independent",
                    "recursChained" => "sequential",
                    other => {
                        return Err(unsupported(
                            &record,
                            "recurrenceType",
                            format!(
                                "unknown recurrence {other:?}; expected none, recursIndependently or recursChained"
                            ),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok((name, recurrence))
}

/// Where a process's milestones start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// At the case's creation (`Case.CreatedDate`).
    Created,
    /// When Salesforce started them (`Case.SlaStartDate`): the `started.` events.
    SlaStart,
}

/// One process version, read.
struct ReadProcess {
    record: String,
    name: String,
    version: u32,
    default: bool,
    master: Option<String>,
    calendar: Option<String>,
    exit_statuses: Vec<String>,
    milestones: Vec<Value>,
}

/// One milestone item of a process, read.
struct Item {
    path: String,
    name: String,
    doc: Map<String, Value>,
}

fn process(
    file: &MetadataFile,
    stem: &str,
    recurrence: &HashMap<String, &'static str>,
    warnings: &mut Vec<Warning>,
) -> Result<ReadProcess> {
    let mut record = format!("EntitlementProcess {}", file.name);
    let doc = parse(file, &record)?;
    let root = doc.root_element();
    if name_of(&root) != "EntitlementProcess" {
        return Err(unsupported(
            &record,
            "(root)",
            format!("expected <EntitlementProcess>, found <{}>", name_of(&root)),
        ));
    }
    // The label names the process as soon as its name is known.
    if let Some(n) = elements(root).find(|c| name_of(c) == "name") {
        record = format!("{record} ({})", text_of(n));
    }
    let record = record.as_str();
    let mut p = ReadProcess {
        record: record.to_string(),
        name: String::new(),
        version: 1,
        default: false,
        master: None,
        calendar: None,
        exit_statuses: Vec::new(),
        milestones: Vec::new(),
    };
    let mut object = "Case".to_string();
    let mut entry = Entry::Created;
    let mut exit_items: Vec<FilterItem> = Vec::new();
    let mut exit_logic: Option<String> = None;
    let mut items: Vec<Item> = Vec::new();
    let mut item_nodes = Vec::new();
    let mut seen = Vec::new();
    for child in elements(root) {
        let field = name_of(&child);
        if let Some(&known) = PROCESS_FIELDS.iter().find(|&&f| f == field) {
            once(&mut seen, known, record, field)?;
        }
        match field {
            "SObjectType" => {
                object = text_of(child);
                if object != "Case" {
                    return Err(unsupported(
                        record,
                        field,
                        format!(
                            "entitlement processes for {object:?} records are not supported: the engine's cases are Salesforce cases (SObjectType Case)"
                        ),
                    ));
                }
            }
            "active" => {
                if !flag(child, record, field)? {
                    warnings.push(Warning {
                        record: record.into(),
                        field: field.into(),
                        message: "the process is inactive in Salesforce (no entitlement can use it); it is imported all the same".into(),
                    });
                }
            }
            "businessHours" => p.calendar = Some(text_of(child)).filter(|c| !c.is_empty()),
            "description" | "versionNotes" | "fullName" => {}
            "entryStartDateField" => {
                entry = match text_of(child).as_str() {
                    "Case.CreatedDate" | "CreatedDate" => Entry::Created,
                    "Case.SlaStartDate" | "SlaStartDate" => Entry::SlaStart,
                    other => {
                        return Err(unsupported(
                            record,
                            field,
                            format!(
                                "processes that start at {other} are not supported; the engine starts them at the case's creation (Case.CreatedDate) or when Salesforce started them (SlaStartDate)"
                            ),
                        ));
                    }
                }
            }
            "exitCriteriaBooleanFilter" => exit_logic = Some(text_of(child)),
            "exitCriteriaFilterItems" => exit_items.push(filter_item(
                child,
                &format!("exitCriteriaFilterItems[{}]", exit_items.len()),
                record,
            )?),
            "exitCriteriaFormula" => {
                return Err(unsupported(
                    record,
                    field,
                    format!(
                        "exit criteria formulas are not supported ({:?}); write the exit as filter items on Case.IsClosed or Case.Status",
                        text_of(child)
                    ),
                ));
            }
            "isRecordTypeApplied" => {
                if flag(child, record, field)? {
                    return Err(unsupported(
                        record,
                        field,
                        "processes limited to a record type are not supported: the engine cannot tell which cases the record type admits",
                    ));
                }
            }
            "recordType" => {}
            "isVersionDefault" => p.default = flag(child, record, field)?,
            "milestones" => item_nodes.push(child),
            "name" => p.name = text_of(child),
            "versionMaster" => p.master = Some(text_of(child)).filter(|m| !m.is_empty()),
            "versionNumber" => {
                let n = whole(child, record, field)?;
                p.version = u32::try_from(n).ok().filter(|v| *v >= 1).ok_or_else(|| {
                    unsupported(
                        record,
                        field,
                        format!("{n} is not a version number (1 or more)"),
                    )
                })?;
            }
            other => warnings.push(ignored(record, other, other)),
        }
    }
    if p.name.is_empty() {
        p.name = stem.to_string();
        warnings.push(Warning {
            record: record.into(),
            field: "name".into(),
            message: format!(
                "the file has no <name>; the process is named after the file, {stem:?}"
            ),
        });
    }
    for (i, node) in item_nodes.into_iter().enumerate() {
        items.push(milestone(
            node,
            &format!("milestones[{i}]"),
            record,
            &object,
            entry,
            recurrence,
            warnings,
        )?);
    }
    if entry == Entry::SlaStart && !items.is_empty() {
        warnings.push(Warning {
            record: record.into(),
            field: "entryStartDateField".into(),
            message: "the process starts at the case's SlaStartDate: its milestones start when Salesforce started them, on the `started.` events that the case import makes of CaseMilestone rows".into(),
        });
    }
    let mut events: HashMap<String, &str> = HashMap::new();
    for item in &items {
        if let Some(other) = events.insert(completed_event(&item.name), &item.name)
            && other != item.name
        {
            return Err(unsupported(
                record,
                &format!("{}.milestoneName", item.path),
                format!(
                    "{:?} and {other:?} would complete on the same event {:?}; rename one",
                    item.name,
                    completed_event(&item.name)
                ),
            ));
        }
    }
    p.milestones = unique_names(items, record, warnings);
    p.exit_statuses = exit(&exit_items, exit_logic.as_deref(), record, &object)?;
    Ok(p)
}

/// The fields an `EntitlementProcess` holds at most once (`milestones` and
/// `exitCriteriaFilterItems` repeat).
const PROCESS_FIELDS: [&str; 15] = [
    "SObjectType",
    "active",
    "businessHours",
    "description",
    "versionNotes",
    "fullName",
    "entryStartDateField",
    "exitCriteriaBooleanFilter",
    "exitCriteriaFormula",
    "isRecordTypeApplied",
    "recordType",
    "isVersionDefault",
    "name",
    "versionMaster",
    "versionNumber",
];

/// The fields a milestone item holds at most once (`milestoneCriteriaFilterItems`,
/// `timeTriggers` and `successActions` repeat).
const MILESTONE_FIELDS: [&str; 7] = [
    "milestoneName",
    "minutesToComplete",
    "minutesCustomClass",
    "businessHours",
    "criteriaBooleanFilter",
    "milestoneCriteriaFormula",
    "useCriteriaStartTime",
];

fn filter_item(node: Node<'_, '_>, path: &str, record: &str) -> Result<FilterItem> {
    let mut item = FilterItem {
        path: path.to_string(),
        field: String::new(),
        operation: String::new(),
        value: None,
        value_field: None,
    };
    let mut seen = Vec::new();
    for c in elements(node) {
        let field = name_of(&c);
        let at = format!("{path}.{field}");
        match field {
            "field" => {
                once(&mut seen, "field", record, &at)?;
                item.field = text_of(c);
            }
            "operation" => {
                once(&mut seen, "operation", record, &at)?;
                item.operation = text_of(c);
            }
            "value" => {
                once(&mut seen, "value", record, &at)?;
                item.value = Some(text_of(c));
            }
            "valueField" => {
                once(&mut seen, "valueField", record, &at)?;
                item.value_field = Some(text_of(c));
            }
            _ => {}
        }
    }
    Ok(item)
}

/// The exit statuses of a process's exit criteria (`Case.IsClosed equals true` is the engine's
/// `closed` event and needs none).
fn exit(
    items: &[FilterItem],
    logic: Option<&str>,
    record: &str,
    object: &str,
) -> Result<Vec<String>> {
    let closed_field = format!("{object}.IsClosed");
    let status_field = format!("{object}.Status");
    let mut statuses = Vec::new();
    for item in items {
        let value = item.value.clone().unwrap_or_default();
        if item.field == closed_field
            && item.operation == "equals"
            && value.eq_ignore_ascii_case("true")
        {
            continue;
        }
        if item.field == status_field && item.operation == "equals" && !value.is_empty() {
            statuses.extend(value.split(',').map(|s| s.trim().to_string()));
            continue;
        }
        return Err(unsupported(
            record,
            &format!("{}.field", item.path),
            format!(
                "exit criteria `{} {} {value:?}` are not supported; the engine exits a process when the case closes (Case.IsClosed equals true) or enters a status (Case.Status equals ...)",
                item.field, item.operation
            ),
        ));
    }
    if items.len() > 1 {
        // Items are ANDed unless the logic ORs them all: only "any of these" is an exit.
        let or_only = logic.is_some_and(|l| {
            l.split_whitespace()
                .all(|w| w.eq_ignore_ascii_case("OR") || w.chars().all(|c| c.is_ascii_digit()))
        });
        if !or_only {
            return Err(unsupported(
                record,
                "exitCriteriaBooleanFilter",
                format!(
                    "exit criteria joined by {:?} are not supported; the engine exits when any one holds (\"1 OR 2\")",
                    logic.unwrap_or("AND")
                ),
            ));
        }
    }
    Ok(statuses)
}

#[allow(clippy::too_many_arguments)]
fn milestone(
    node: Node<'_, '_>,
    path: &str,
    record: &str,
    object: &str,
    entry: Entry,
    recurrence: &HashMap<String, &'static str>,
    warnings: &mut Vec<Warning>,
) -> Result<Item> {
    let at = |field: &str| format!("{path}.{field}");
    let mut name = None;
    let mut minutes = None;
    let mut calendar = None;
    let mut filter_items: Vec<FilterItem> = Vec::new();
    let mut logic = None;
    let mut triggers = Vec::new();
    let mut success = Vec::new();
    let mut criteria_start = false;
    let mut seen = Vec::new();
    for child in elements(node) {
        let field = name_of(&child);
        if let Some(&known) = MILESTONE_FIELDS.iter().find(|&&f| f == field) {
            once(&mut seen, known, record, &at(field))?;
        }
        match field {
            "milestoneName" => name = Some(text_of(child)).filter(|n| !n.is_empty()),
            "minutesToComplete" => minutes = Some(whole(child, record, &at(field))?),
            "minutesCustomClass" => {
                return Err(unsupported(
                    record,
                    &at(field),
                    format!(
                        "the target comes from the Apex class {:?}, which the engine cannot run; write the milestone's targets as a tier table (`target: {{by: priority, values: {{...}}}}`)",
                        text_of(child)
                    ),
                ));
            }
            "businessHours" => calendar = Some(text_of(child)).filter(|c| !c.is_empty()),
            "milestoneCriteriaFilterItems" => {
                let p = at(&format!(
                    "milestoneCriteriaFilterItems[{}]",
                    filter_items.len()
                ));
                filter_items.push(filter_item(child, &p, record)?);
            }
            "criteriaBooleanFilter" => logic = Some(text_of(child)),
            "milestoneCriteriaFormula" => {
                return Err(unsupported(
                    record,
                    &at(field),
                    format!(
                        "criteria formulas are not supported ({:?}); write the criteria as filter items (field, operation, value)",
                        text_of(child)
                    ),
                ));
            }
            "timeTriggers" => triggers.push(trigger(
                child,
                &at(&format!("timeTriggers[{}]", triggers.len())),
                record,
            )?),
            "successActions" => success.push(action(
                child,
                &at(&format!("successActions[{}]", success.len())),
                record,
            )?),
            "useCriteriaStartTime" => criteria_start = flag(child, record, &at(field))?,
            other => warnings.push(ignored(record, &at(other), other)),
        }
    }
    let name = name.ok_or_else(|| unsupported(record, &at("milestoneName"), "missing"))?;
    let minutes = minutes.ok_or_else(|| {
        unsupported(
            record,
            &at("minutesToComplete"),
            "missing (and no minutesCustomClass)",
        )
    })?;
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(unsupported(
            record,
            &at("minutesToComplete"),
            format!("{minutes} is not a time to complete: 1 to {MAX_MINUTES} minutes"),
        ));
    }
    let when = criteria(
        &filter_items,
        logic.as_deref(),
        record,
        &at("criteriaBooleanFilter"),
        object,
    )?;
    if when.is_some() && !criteria_start {
        warnings.push(Warning {
            record: record.into(),
            field: at("useCriteriaStartTime"),
            message: format!("{name:?} counts from the process's start in Salesforce even when its criteria come true later; the engine counts from the moment they hold (the same whenever they hold from the start)"),
        });
    }
    // Success actions become the milestone's `on_complete` actions (by name, as trigger
    // actions are): the monitor names them in its `milestone_completed` events, and the host
    // runs them.
    let mut on_complete: Vec<String> = Vec::new();
    for a in success {
        if !a.is_empty() && !on_complete.contains(&a) {
            on_complete.push(a);
        }
    }
    let recurs = match recurrence.get(&name) {
        Some(r) => *r,
        None => {
            warnings.push(Warning {
                record: record.into(),
                field: at("milestoneName"),
                message: format!("no MilestoneType {name:?} among the files: its recurrence is taken as none (retrieve milestoneTypes/ too)"),
            });
            "none"
        }
    };
    let mut starts = Vec::new();
    if entry == Entry::Created {
        starts.push(json!("created"));
    }
    starts.push(json!(started_event(&name)));
    let mut doc = Map::new();
    doc.insert("name".into(), json!(name));
    doc.insert("kind".into(), json!("custom"));
    doc.insert("starts_on".into(), Value::Array(starts));
    doc.insert("completes_on".into(), json!([completed_event(&name)]));
    if let Some(w) = when {
        doc.insert("when".into(), w);
    }
    doc.insert("target".into(), json!(format!("{minutes}m")));
    if let Some(c) = calendar {
        doc.insert("calendar".into(), json!(c));
    }
    if recurs != "none" {
        doc.insert("recurrence".into(), json!(recurs));
    }
    if !triggers.is_empty() {
        doc.insert("triggers".into(), Value::Array(triggers));
    }
    if !on_complete.is_empty() {
        doc.insert("on_complete".into(), json!(on_complete));
    }
    Ok(Item {
        path: path.to_string(),
        name,
        doc,
    })
}

fn action(node: Node<'_, '_>, path: &str, record: &str) -> Result<String> {
    let mut name = String::new();
    let mut seen = Vec::new();
    for c in elements(node) {
        if name_of(&c) == "name" {
            once(&mut seen, "name", record, &format!("{path}.name"))?;
            name = text_of(c);
        }
    }
    Ok(name)
}

/// A `timeTriggers` entry as a trigger: the signed `timeLength` from the target in the
/// milestone's business time, a warning before it and a violation at or after it.
fn trigger(node: Node<'_, '_>, path: &str, record: &str) -> Result<Value> {
    let mut length = None;
    let mut unit = None;
    let mut actions = Vec::new();
    let mut seen = Vec::new();
    for c in elements(node) {
        match name_of(&c) {
            "timeLength" => {
                let at = format!("{path}.timeLength");
                once(&mut seen, "timeLength", record, &at)?;
                length = Some(whole(c, record, &at)?);
            }
            "workflowTimeTriggerUnit" => {
                once(
                    &mut seen,
                    "workflowTimeTriggerUnit",
                    record,
                    &format!("{path}.workflowTimeTriggerUnit"),
                )?;
                unit = Some(text_of(c));
            }
            "actions" => actions.push(action(
                c,
                &format!("{path}.actions[{}]", actions.len()),
                record,
            )?),
            _ => {}
        }
    }
    let length =
        length.ok_or_else(|| unsupported(record, &format!("{path}.timeLength"), "missing"))?;
    let unit = unit.ok_or_else(|| {
        unsupported(
            record,
            &format!("{path}.workflowTimeTriggerUnit"),
            "missing",
        )
    })?;
    let per = match unit.as_str() {
        "Minutes" => 1,
        "Hours" => 60,
        "Days" => 1440,
        other => {
            return Err(unsupported(
                record,
                &format!("{path}.workflowTimeTriggerUnit"),
                format!("unknown unit {other:?}; expected Minutes, Hours or Days"),
            ));
        }
    };
    let minutes = length
        .checked_mul(per)
        .filter(|m| m.abs() <= MAX_MINUTES)
        .ok_or_else(|| {
            unsupported(
                record,
                &format!("{path}.timeLength"),
                format!("{length} {unit} is too long"),
            )
        })?;
    let at = match minutes {
        0 => "100%".to_string(),
        m if m % 60 == 0 => format!("{:+}h", m / 60),
        m => format!("{m:+}m"),
    };
    let mut t = Map::new();
    t.insert("at".into(), json!(at));
    t.insert(
        "level".into(),
        json!(if minutes < 0 { "warning" } else { "violation" }),
    );
    let actions: Vec<String> = actions.into_iter().filter(|a| !a.is_empty()).collect();
    if !actions.is_empty() {
        t.insert("actions".into(), json!(actions));
    }
    Ok(Value::Object(t))
}

/// The milestones of a process with unique names: Salesforce lets one milestone appear several
/// times with different criteria; the engine names the second and later `<name> [2]`, ...
/// (they complete on the same events).
fn unique_names(items: Vec<Item>, record: &str, warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for item in &items {
        *count.entry(item.name.clone()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for mut item in items {
        let k = seen.entry(item.name.clone()).or_default();
        *k += 1;
        if count[&item.name] > 1 {
            let unique = format!("{} [{k}]", item.name);
            warnings.push(Warning {
                record: record.into(),
                field: format!("{}.milestoneName", item.path),
                message: format!("{:?} appears {} times in the process; this one is the milestone {unique:?} (each completes on {:?})", item.name, count[&item.name], completed_event(&item.name)),
            });
            item.doc.insert("name".into(), json!(unique));
        }
        out.push(Value::Object(item.doc));
    }
    out
}

/// The process id of each version: its name, or for versions that share a `versionMaster`, the
/// name of the lineage's default version (else its highest).
fn lineage_ids(read: &[ReadProcess], warnings: &mut Vec<Warning>) -> Result<Vec<String>> {
    let mut lineages: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in read.iter().enumerate() {
        if let Some(m) = &p.master {
            lineages.entry(m).or_default().push(i);
        }
    }
    let mut ids: Vec<String> = read.iter().map(|p| p.name.clone()).collect();
    let mut master_of_name: HashMap<&str, &str> = HashMap::new();
    for (master, members) in &lineages {
        let lead = members
            .iter()
            .copied()
            .max_by_key(|&i| (read[i].default, read[i].version))
            .expect("a lineage has a member");
        for &i in members {
            if read[i].name != read[lead].name {
                warnings.push(Warning {
                    record: read[i].record.clone(),
                    field: "name".into(),
                    message: format!("version {} is named {:?}; it is a version of {:?} (same versionMaster {master})", read[i].version, read[i].name, read[lead].name),
                });
            }
            ids[i] = read[lead].name.clone();
        }
        if let Some(other) = master_of_name.insert(&read[lead].name, master)
            && other != *master
        {
            return Err(unsupported(
                &read[lead].record,
                "versionMaster",
                format!(
                    "two different processes are named {:?} (versionMaster {other} and {master})",
                    read[lead].name
                ),
            ));
        }
    }
    for (i, p) in read.iter().enumerate() {
        if p.master.is_none()
            && let Some(master) = master_of_name.get(ids[i].as_str())
        {
            return Err(unsupported(
                &p.record,
                "versionMaster",
                format!(
                    "missing, while another process named {:?} has versionMaster {master}",
                    p.name
                ),
            ));
        }
    }
    Ok(ids)
}
