//! `entitlement serve` through its built binary, over real sockets: the routes against the
//! library's own answers, tokens, every limit, malformed and slow bodies, reloads (on change,
//! on SIGHUP, refused), SIGTERM with requests in flight, the logs, and the OpenAPI document
//! against Salesforce External Services' documented constraints.
//!
//! No assertion is about time: waits are bounded loops that fail with a message, and socket
//! reads have generous timeouts so that a hang fails the test instead of stalling it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use entitlement_core::rules::{CaseBatch, OnError, Ruleset};
use serde_json::{Value, json};

const TOKEN: &str = "test-token-4f1c9a";
const NOW: &str = "2026-11-25T20:30:00Z";

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn token_line(token: &str, label: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(token.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex} {label}\n")
}

/// A running server; killed when dropped if it is still running.
struct Server {
    child: Child,
    addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    dir: PathBuf,
}

impl Server {
    /// Starts a server on a free port over a copy of the sample rules, with `TOKEN` allowed.
    fn start(name: &str, extra: &[&str]) -> Server {
        let dir = scratch(name);
        std::fs::copy(repo("examples/data/rules.yaml"), dir.join("rules.yaml")).unwrap();
        std::fs::write(dir.join("tokens.txt"), token_line(TOKEN, "tests")).unwrap();
        Server::start_in(dir, extra)
    }

    fn start_in(dir: PathBuf, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_entitlement"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .arg("--rules")
            .arg(dir.join("rules.yaml"))
            .arg("--tokens")
            .arg(dir.join("tokens.txt"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the entitlement command starts");
        let stderr = child.stderr.take().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["event"] == "listening"
                {
                    let _ = tx.send(v["address"].as_str().unwrap().to_string());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no `listening` log line: {:?}", logs.lock().unwrap()));
        Server {
            child,
            addr: addr.parse().unwrap(),
            logs,
            dir,
        }
    }

    fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Waits for a log line with this event, and returns it.
    fn wait_log(&self, event: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            for line in self.logs() {
                let v: Value = serde_json::from_str(&line).unwrap();
                if v["event"] == event {
                    return v;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no {event} log line: {:?}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("an exit code, not a signal");
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn post(&self, path: &str, body: &Value) -> Answer {
        request(
            self.addr,
            "POST",
            path,
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    }

    fn get(&self, path: &str) -> Answer {
        request(
            self.addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {TOKEN}"))],
            b"",
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// An error answer: its status, code and path.
    fn error(&self) -> (u16, String, String) {
        let v = self.json();
        let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, BTreeSet::from(["code", "message", "path"]), "{v}");
        (
            self.status,
            v["code"].as_str().unwrap().to_string(),
            v["path"].as_str().unwrap().to_string(),
        )
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
}

fn head(method: &str, path: &str, headers: &[(&str, &str)], length: Option<usize>) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = length {
        text.push_str(&format!("Content-Length: {n}\r\n"));
    }
    text.push_str("\r\n");
    text
}

/// One request on its own connection (`Connection: close`), read to the end.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = connect(addr);
    let length = (method != "GET" || !body.is_empty()).then_some(body.len());
    stream
        .write_all(head(method, path, headers, length).as_bytes())
        .unwrap();
    // The server may answer (and close) before the whole body is sent: 413, 401.
    let _ = stream.write_all(body);
    read_answer(&mut stream)
}

fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer: {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if let Some((_, n)) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        let n: usize = n.parse().unwrap();
        assert!(body.len() >= n, "a short body: {} of {n}", body.len());
        body.truncate(n);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// Asserts the answer is byte for byte the library's result as serde_json writes it (and
/// names the first difference when it is not).
fn assert_bytes<T: serde::Serialize>(answer: &Answer, expected: &T) {
    let bytes = serde_json::to_vec(expected).unwrap();
    if answer.body != bytes {
        assert_same(&answer.json(), &serde_json::from_slice(&bytes).unwrap());
        let at = answer
            .body
            .iter()
            .zip(&bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let around = |b: &[u8]| {
            String::from_utf8_lossy(&b[at.saturating_sub(120)..(at + 40).min(b.len())]).into_owned()
        };
        panic!(
            "the answer's bytes differ from the library's at byte {at}:\n{}\n{}",
            around(&answer.body),
            around(&bytes)
        );
    }
}

/// Asserts two JSON values are equal, naming the first place they differ (the whole values
/// are too long to read in a failure).
fn assert_same(got: &Value, expected: &Value) {
    fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, format!("{at}.{k}")),
                    (p, q) => Some(format!("{at}.{k}: {p:?} != {q:?}")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}[{i}]"))),
            _ if a == b => None,
            _ => Some(format!("{at}: {} != {}", short(a), short(b))),
        }
    }
    fn short(v: &Value) -> String {
        v.to_string().chars().take(200).collect()
    }
    if let Some(d) = first_difference(got, expected, String::new()) {
        panic!("the answer differs from the library's at {d}");
    }
}

fn sample_cases() -> Vec<Value> {
    let text = std::fs::read_to_string(repo("examples/data/cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn sample_rules() -> Ruleset {
    Ruleset::load(repo("examples/data/rules.yaml")).unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    NOW.parse().unwrap()
}

#[test]
fn every_route_answers_what_the_library_answers() {
    let server = Server::start("routes", &[]);
    let rules = sample_rules();
    let cases = sample_cases();

    // One case.
    for case in cases.iter().take(40) {
        let answer = server.post("/v1/evaluate", &json!({"case": case, "now": NOW}));
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let parsed = entitlement_core::rules::Case::from_value_at(case, 0).unwrap();
        assert_bytes(&answer, &rules.evaluate_case(&parsed, now()).unwrap());
    }

    // Many cases, one of them unreadable: an entry of `errors`, the others evaluated.
    let mut many = cases.clone();
    many.insert(3, json!({"id": "broken", "created_at": "yesterday"}));
    let answer = server.post("/v1/evaluate-many", &json!({"cases": many, "now": NOW}));
    assert_eq!(answer.status, 200);
    let v = answer.json();
    let mut batch = CaseBatch::new();
    batch.read_values(many.iter().cloned().map(Ok).collect());
    let all = rules
        .evaluate_batch(&batch, now(), OnError::Collect)
        .unwrap();
    #[derive(serde::Serialize)]
    struct Many<'a> {
        evaluations: Vec<&'a entitlement_core::rules::CaseEvaluation>,
        errors: Vec<&'a entitlement_core::rules::CaseError>,
    }
    let expected = Many {
        evaluations: all.iter().filter_map(|e| e.as_ref().ok()).collect(),
        errors: all.iter().filter_map(|e| e.as_ref().err()).collect(),
    };
    assert_bytes(&answer, &expected);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"][0]["index"], 3);
    assert_eq!(v["errors"][0]["code"], "invalid_instant");
    assert_eq!(v["errors"][0]["path"], "cases[3].created_at");

    // The monitor, with and without `since`.
    for (since, from) in [
        (None, "2026-11-24T20:30:00Z"),
        (Some("2026-11-20T00:00:00Z"), "2026-11-20T00:00:00Z"),
    ] {
        let mut body = json!({"cases": many, "now": NOW});
        if let Some(s) = since {
            body["since"] = s.into();
        }
        let answer = server.post("/v1/monitor", &body);
        assert_eq!(answer.status, 200);
        let report = rules
            .monitor_batch(&batch, now(), Some(from.parse().unwrap()), OnError::Collect)
            .unwrap();
        assert_bytes(&answer, &report);
        assert_eq!(answer.json()["errors"][0]["path"], "cases[3].created_at");
    }

    // Calendar arithmetic, against the calendar itself.
    let cal = rules.calendars().get("ny-support").unwrap();
    let starts = [
        "2026-11-27T16:00:00Z",
        "2026-11-28T03:00:00Z",
        "2026-12-24T21:59:59Z",
    ];
    for start in starts {
        let t: chrono::DateTime<chrono::Utc> = start.parse().unwrap();
        for (duration, delta) in [
            ("4h", 4 * 3600),
            ("1h30m", 5400),
            ("PT10H", 36_000),
            ("-2h", -7200),
        ] {
            let answer = server.post(
                "/v1/calendars/ny-support/add",
                &json!({"start": start, "duration": duration}),
            );
            let expected = cal.add(t, chrono::TimeDelta::seconds(delta)).unwrap();
            assert_eq!(
                answer.json(),
                json!({"at": entitlement_core::time::rfc3339(expected)})
            );
        }
        let end = "2026-12-31T12:00:00Z";
        let elapsed = cal.elapsed(t, end.parse().unwrap()).unwrap();
        let answer = server.post(
            "/v1/calendars/ny-support/elapsed",
            &json!({"start": start, "end": end}),
        );
        let micros = elapsed.num_microseconds().unwrap();
        assert_eq!(
            answer.json(),
            json!({"seconds": micros as f64 / 1e6,
                   "duration": entitlement_core::duration::format_duration(micros)})
        );
        let answer = server.post("/v1/calendars/ny-support/is-open", &json!({"at": start}));
        assert_eq!(answer.json(), json!({"open": cal.is_open(t).unwrap()}));
        let answer = server.post("/v1/calendars/ny-support/next-open", &json!({"at": start}));
        assert_eq!(
            answer.json(),
            json!({"at": entitlement_core::time::rfc3339(cal.next_open(t).unwrap())})
        );
    }

    // The document in force.
    let answer = server.get("/v1/rules");
    assert_eq!(answer.status, 200);
    let info = answer.json();
    use sha2::Digest;
    let bytes = std::fs::read(repo("examples/data/rules.yaml")).unwrap();
    let hex: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(info["sha256"], hex);
    assert_eq!(info["last_reload_error"], Value::Null);
    assert!(
        info["loaded_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .is_ok()
    );
    let names: Vec<&str> = rules.calendars().names();
    assert_eq!(info["calendars"], json!(names));

    // Health, readiness and the document need no token.
    for (path, body) in [
        ("/healthz", json!({"status": "ok"})),
        ("/readyz", json!({"status": "ready"})),
    ] {
        let answer = request(server.addr, "GET", path, &[], b"");
        assert_eq!((answer.status, answer.json()), (200, body));
    }
    let answer = request(server.addr, "GET", "/openapi.json", &[], b"");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["openapi"], "3.0.3");

    // /metrics counts what was served, in the Prometheus text format.
    let answer = server.get("/metrics");
    assert_eq!(answer.status, 200);
    let text = String::from_utf8(answer.body).unwrap();
    assert!(
        text.contains(
            r#"entitlement_http_requests_total{route="/v1/evaluate",method="POST",status="200"} 40"#
        ),
        "{text}"
    );
    assert!(
        text.contains("entitlement_cases_evaluated_total "),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
}

#[test]
fn no_token_no_data_and_every_refusal_looks_the_same() {
    let server = Server::start("tokens", &["--reload-interval", "0.1s"]);
    let body = json!({"at": NOW}).to_string();
    let mut refusals = Vec::new();
    for authorization in [
        None,
        Some("Bearer wrong-token"),
        Some(&format!("Bearer {TOKEN}x")[..]),
        Some(&format!("Basic {TOKEN}")[..]),
        Some("Bearer"),
        Some(&format!("Bearer {}", "a".repeat(5000))[..]),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = authorization {
            headers.push(("Authorization", a));
        }
        for (method, path) in [
            ("POST", "/v1/calendars/ny-support/is-open"),
            ("POST", "/v1/evaluate"),
            ("GET", "/v1/rules"),
            ("GET", "/metrics"),
        ] {
            let b = if method == "POST" {
                body.as_bytes()
            } else {
                b""
            };
            let answer = request(server.addr, method, path, &headers, b);
            assert_eq!(answer.status, 401, "{authorization:?} {path}");
            assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
            refusals.push(answer.body);
        }
    }
    // 401 without saying why: the same bytes whatever was wrong.
    assert!(refusals.windows(2).all(|w| w[0] == w[1]));

    // The scheme in any case, and the right token, pass.
    let answer = request(
        server.addr,
        "POST",
        "/v1/calendars/ny-support/is-open",
        &[
            ("Authorization", &format!("bearer {TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(answer.status, 200);

    // Rotation: the file reloads; the new token passes and the old one is refused.
    let new_token = "rotated-token-77";
    std::fs::write(
        server.dir.join("tokens.txt"),
        token_line(new_token, "rotated"),
    )
    .unwrap();
    server.wait_log("tokens_reloaded");
    let with = |token: &str| {
        request(
            server.addr,
            "GET",
            "/v1/rules",
            &[("Authorization", &format!("Bearer {token}"))],
            b"",
        )
        .status
    };
    assert_eq!((with(new_token), with(TOKEN)), (200, 401));

    // A tokens file that does not read keeps the tokens in force.
    std::fs::write(server.dir.join("tokens.txt"), "sha256:nothex\n").unwrap();
    server.wait_log("tokens_refused");
    assert_eq!(with(new_token), 200);

    // The logs name the caller by its label, never by its token.
    let logs = server.logs().join("\n");
    assert!(logs.contains(r#""client":"rotated""#), "{logs}");
    assert!(!logs.contains(TOKEN) && !logs.contains(new_token), "{logs}");
}

#[test]
fn without_a_tokens_file_every_protected_route_is_refused() {
    let dir = scratch("no-tokens");
    std::fs::copy(repo("examples/data/rules.yaml"), dir.join("rules.yaml")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_entitlement"))
        .args(["serve", "--listen", "127.0.0.1:0", "--rules"])
        .arg(dir.join("rules.yaml"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut addr = None;
    let mut warned = false;
    for line in lines.by_ref() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        warned |= v["event"] == "no_tokens";
        if v["event"] == "listening" {
            addr = Some(
                v["address"]
                    .as_str()
                    .unwrap()
                    .parse::<SocketAddr>()
                    .unwrap(),
            );
            break;
        }
    }
    assert!(warned);
    let addr = addr.unwrap();
    let answer = request(
        addr,
        "GET",
        "/v1/rules",
        &[("Authorization", "Bearer anything")],
        b"",
    );
    assert_eq!(answer.status, 401);
    assert_eq!(request(addr, "GET", "/healthz", &[], b"").status, 200);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn malformed_bodies_get_a_typed_error_that_says_where() {
    let server = Server::start("malformed", &[]);
    let case = &sample_cases()[0];
    let raw = |path: &str, body: &str, kind: &str| {
        request(
            server.addr,
            "POST",
            path,
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("Content-Type", kind),
            ],
            body.as_bytes(),
        )
        .error()
    };
    let json = "application/json";
    let add = "/v1/calendars/ny-support/add";
    // (route, body, content type, (status, code, path))
    type Row<'a> = (&'a str, String, &'a str, (u16, &'a str, &'a str));
    let table: Vec<Row> = vec![
        (add, r#"{"start": "2026-11-27T16:00:00Z", "#.into(), json, (400, "parse_error", "")),
        (add, "".into(), json, (400, "parse_error", "")),
        (add, "[1, 2]".into(), json, (422, "invalid_type", "")),
        (add, "\"text\"".into(), json, (422, "invalid_type", "")),
        (add, "null".into(), json, (422, "invalid_type", "")),
        (add, r#"{"start": 5, "duration": "4h"}"#.into(), json, (422, "invalid_type", "start")),
        (add, r#"{"start": "2026-11-27T16:00:00Z"}"#.into(), json, (422, "missing_key", "")),
        (add, r#"{"start": "2026-11-27T16:00:00Z", "duration": "4h", "x": 1}"#.into(), json, (422, "unknown_key", "")),
        (add, r#"{"start": "noon", "duration": "4h"}"#.into(), json, (422, "invalid_instant", "start")),
        (add, r#"{"start": "2026-11-27T16:00:00", "duration": "4h"}"#.into(), json, (422, "naive_datetime", "start")),
        (add, r#"{"start": "2026-11-27T16:00:00Z", "duration": "4 hours"}"#.into(), json, (422, "invalid_duration", "duration")),
        (add, r#"{"start": "2026-11-27T16:00:00Z", "duration": "4h"} {}"#.into(), json, (400, "parse_error", "")),
        (add, r#"{"start": "2026-11-27T16:00:00Z", "duration": "4h"}"#.into(), "text/plain", (415, "unsupported_media_type", "Content-Type")),
        (add, format!("{}1{}", "[".repeat(200), "]".repeat(200)), json, (422, "invalid_type", "")),
        ("/v1/calendars/nowhere/add", r#"{"start": "2026-11-27T16:00:00Z", "duration": "4h"}"#.into(), json, (404, "unknown_calendar", "name")),
        ("/v1/evaluate", json!({"case": {"id": "c", "created_at": NOW, "entitlement": "nobody"}}).to_string(), json, (422, "unknown_entitlement", "case.entitlement")),
        ("/v1/evaluate", json!({"case": {"id": "c", "created_at": NOW, "events": [{"at": "later", "type": "agent_reply"}]}}).to_string(), json, (422, "invalid_instant", "case.events[0].at")),
        ("/v1/evaluate", json!({"case": {"id": "c", "created_at": NOW, "colour": 1}}).to_string(), json, (422, "unknown_key", "case")),
        ("/v1/evaluate", json!({"case": case, "now": 1}).to_string(), json, (422, "invalid_type", "now")),
        ("/v1/evaluate", json!({"case": [], "now": NOW}).to_string(), json, (422, "invalid_type", "case")),
        ("/v1/evaluate-many", json!({"cases": {}}).to_string(), json, (422, "invalid_type", "cases")),
        ("/v1/monitor", json!({"cases": [], "now": NOW, "since": NOW}).to_string(), json, (422, "invalid_window", "since")),
        ("/v1/monitor", json!({"cases": [], "now": NOW, "since": "then"}).to_string(), json, (422, "invalid_instant", "since")),
        ("/v1/nothing", "{}".into(), json, (404, "not_found", "")),
    ];
    for (path, body, kind, (status, code, at)) in table {
        let got = raw(path, &body, kind);
        assert_eq!(
            (got.0, got.1.as_str(), got.2.as_str()),
            (status, code, at),
            "{path} {body}"
        );
    }
    // Nesting past serde_json's 128 levels: refused, and the path says how deep it got.
    let deep = format!(
        r#"{{"case": {{"fields": {{"a": {}1{}}}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let (status, code, at) = raw("/v1/evaluate", &deep, json);
    assert_eq!((status, code.as_str()), (400, "limit_exceeded"));
    assert!(at.starts_with("case.fields.a[0][0]"), "{at}");
    let answer = request(server.addr, "DELETE", "/v1/evaluate", &[], b"");
    assert_eq!(
        answer.error(),
        (405, "method_not_allowed".into(), "".into())
    );
    // The server is still there.
    assert_eq!(
        request(server.addr, "GET", "/healthz", &[], b"").status,
        200
    );
}

#[test]
fn every_limit_answers_413_with_its_path() {
    let server = Server::start(
        "limits",
        &[
            "--max-body-bytes",
            "4096",
            "--max-cases",
            "3",
            "--max-events",
            "5",
        ],
    );
    let auth = format!("Bearer {TOKEN}");
    // A declared length above the limit: refused before the body is read.
    let mut stream = connect(server.addr);
    stream
        .write_all(
            head(
                "POST",
                "/v1/evaluate",
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                Some(1 << 30),
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(
        read_answer(&mut stream).error(),
        (413, "limit_exceeded".into(), "".into())
    );

    // A chunked body that grows past the limit.
    let mut stream = connect(server.addr);
    let mut text = format!(
        "POST /v1/evaluate HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: {auth}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    for _ in 0..10 {
        text.push_str(&format!("400\r\n{}\r\n", " ".repeat(0x400)));
    }
    text.push_str("0\r\n\r\n");
    let _ = stream.write_all(text.as_bytes());
    assert_eq!(
        read_answer(&mut stream).error(),
        (413, "limit_exceeded".into(), "".into())
    );

    let case = |id: &str, events: usize| {
        json!({"id": id, "created_at": "2026-11-20T10:00:00Z",
               "events": vec![json!({"at": "2026-11-20T11:00:00Z", "type": "agent_reply"}); events]})
    };
    let cases: Vec<Value> = (0..4).map(|i| case(&i.to_string(), 0)).collect();
    let answer = server.post("/v1/evaluate-many", &json!({"cases": cases}));
    assert_eq!(
        answer.error(),
        (413, "limit_exceeded".into(), "cases".into())
    );
    let answer = server.post(
        "/v1/monitor",
        &json!({"cases": [case("a", 5), case("b", 6)]}),
    );
    assert_eq!(
        answer.error(),
        (413, "limit_exceeded".into(), "cases[1].events".into())
    );
    let answer = server.post("/v1/evaluate", &json!({"case": case("a", 6)}));
    assert_eq!(
        answer.error(),
        (413, "limit_exceeded".into(), "case.events".into())
    );
    // At the limits: served.
    let answer = server.post(
        "/v1/evaluate-many",
        &json!({"cases": [case("a", 5), case("b", 5), case("c", 0)]}),
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn a_slow_body_is_cut_off_and_an_idle_connection_closed() {
    let server = Server::start(
        "slow",
        &["--request-timeout", "0.5s", "--idle-timeout", "0.5s"],
    );
    // Headers, then part of the body, then nothing: 408 once the request timeout passes.
    let mut stream = connect(server.addr);
    stream
        .write_all(
            head(
                "POST",
                "/v1/calendars/ny-support/is-open",
                &[
                    ("Authorization", &format!("Bearer {TOKEN}")),
                    ("Content-Type", "application/json"),
                ],
                Some(100),
            )
            .as_bytes(),
        )
        .unwrap();
    stream.write_all(b"{\"at\": ").unwrap();
    assert_eq!(
        read_answer(&mut stream).error(),
        (408, "timeout".into(), "".into())
    );

    // A connection that never sends a request is closed.
    let mut idle = connect(server.addr);
    let mut buf = [0u8; 16];
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);

    // So is a kept-alive one after its request.
    let mut kept = connect(server.addr);
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = kept.read_to_end(&mut raw);
    let answer = parse_answer(&raw);
    assert_eq!(answer.status, 200);

    // Half a header line, then nothing: closed too.
    let mut partial = connect(server.addr);
    partial.write_all(b"GET /heal").unwrap();
    let mut raw = Vec::new();
    let _ = partial.read_to_end(&mut raw);
    assert!(
        raw.is_empty() || raw.starts_with(b"HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn past_the_concurrency_limit_the_answer_is_503_overloaded() {
    let server = Server::start("overload", &["--concurrency", "1"]);
    let auth = format!("Bearer {TOKEN}");
    // The one slot, held by a request whose body is still arriving.
    let mut holder = connect(server.addr);
    holder
        .write_all(
            head(
                "POST",
                "/v1/calendars/ny-support/is-open",
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                Some(r#"{"at": "2026-11-27T16:00:00Z"}"#.len()),
            )
            .as_bytes(),
        )
        .unwrap();
    holder.write_all(br#"{"at": "#).unwrap();
    wait_in_flight(&server, 1);
    let answer = server.post("/v1/calendars/ny-support/is-open", &json!({"at": NOW}));
    assert_eq!(answer.error(), (503, "overloaded".into(), "".into()));
    assert_eq!(answer.header("retry-after"), Some("1"));
    holder.write_all(br#""2026-11-27T16:00:00Z"}"#).unwrap();
    assert_eq!(read_answer(&mut holder).json(), json!({"open": true}));
    // The slot is free again.
    let answer = server.post("/v1/calendars/ny-support/is-open", &json!({"at": NOW}));
    assert_eq!(answer.status, 200);
}

/// Waits until `/metrics` counts at least `n` requests in flight besides its own.
fn wait_in_flight(server: &Server, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = String::from_utf8(server.get("/metrics").body).unwrap();
        let now = text
            .lines()
            .find_map(|l| l.strip_prefix("entitlement_http_requests_in_flight "))
            .map(|v| v.trim().parse::<i64>().unwrap())
            .unwrap_or(0);
        // `now` counts the /metrics request itself.
        if now > n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{now} requests in flight, waiting for {n}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_bad_reload_is_refused_and_the_old_document_keeps_serving() {
    let mut server = Server::start("reload", &["--reload-interval", "0s"]);
    let rules_path = server.dir.join("rules.yaml");
    let before = server.get("/v1/rules").json();
    let body = json!({"start": "2026-11-27T16:00:00Z", "duration": "4h"});
    let answer_before = server.post("/v1/calendars/ny-support/add", &body).json();

    // A broken document, then SIGHUP: refused, logged, reported, the old one serving.
    let original = std::fs::read_to_string(&rules_path).unwrap();
    std::fs::write(
        &rules_path,
        original.replace("ny-support:", "ny-support: ["),
    )
    .unwrap();
    server.signal("HUP");
    let refused = server.wait_log("rules_refused");
    assert!(refused["code"].as_str().is_some(), "{refused}");
    let info = server.get("/v1/rules").json();
    assert_eq!(info["sha256"], before["sha256"]);
    assert_eq!(info["last_reload_error"]["code"], refused["code"]);
    assert_eq!(
        server.post("/v1/calendars/ny-support/add", &body).json(),
        answer_before
    );

    // A document that parses but does not load (an unknown calendar) is refused the same way.
    std::fs::write(
        &rules_path,
        original.replacen("calendar: ny-support", "calendar: nowhere", 1),
    )
    .unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(30);
    while server
        .logs()
        .iter()
        .filter(|l| l.contains("rules_refused"))
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "{:?}", server.logs());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.get("/v1/rules").json()["sha256"], before["sha256"]);

    // A good change loads: a new hash, no error, and the new hours in the answers.
    let changed = original.replacen("# ", "# reloaded: ", 1);
    assert_ne!(changed, original);
    std::fs::write(&rules_path, &changed).unwrap();
    server.signal("HUP");
    server.wait_log("rules_reloaded");
    let info = server.get("/v1/rules").json();
    assert_ne!(info["sha256"], before["sha256"]);
    assert_eq!(info["last_reload_error"], Value::Null);
    let metrics = String::from_utf8(server.get("/metrics").body).unwrap();
    assert!(
        metrics.contains(r#"entitlement_rules_reloads_total{result="refused"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"entitlement_rules_reloads_total{result="loaded"} 1"#),
        "{metrics}"
    );
    server.signal("TERM");
    assert_eq!(server.wait_exit(), 0);
}

#[test]
fn a_changed_file_reloads_without_a_signal() {
    let server = Server::start("poll", &["--reload-interval", "0.1s"]);
    let rules_path = server.dir.join("rules.yaml");
    let before = server.get("/v1/rules").json();
    // Written elsewhere and renamed over it, as editors and config maps do.
    let text = std::fs::read_to_string(&rules_path).unwrap() + "\n# touched\n";
    std::fs::write(server.dir.join("next.yaml"), text).unwrap();
    std::fs::rename(server.dir.join("next.yaml"), &rules_path).unwrap();
    server.wait_log("rules_reloaded");
    assert_ne!(server.get("/v1/rules").json()["sha256"], before["sha256"]);
}

/// Clients that send whole requests, one connection each, until the server stops taking
/// connections: every answer that begins must be a complete 200 with the expected body; a
/// connection refused, or closed before any byte of an answer (accepted by the kernel, never
/// by the server, at the moment its listener closed), is the end of that client. Returns the
/// number of requests answered.
fn clients_until_refused(addr: SocketAddr, threads: usize) -> Vec<std::thread::JoinHandle<usize>> {
    (0..threads)
        .map(|i| {
            std::thread::spawn(move || {
                let body =
                    json!({"start": "2026-11-27T16:00:00Z", "duration": format!("{}h", i + 1)})
                        .to_string();
                let mut answered = 0;
                loop {
                    let Ok(mut stream) = TcpStream::connect(addr) else {
                        return answered;
                    };
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    let text = head(
                        "POST",
                        "/v1/calendars/ny-support/add",
                        &[
                            ("Authorization", &format!("Bearer {TOKEN}")),
                            ("Content-Type", "application/json"),
                        ],
                        Some(body.len()),
                    ) + &body;
                    if stream.write_all(text.as_bytes()).is_err() {
                        return answered;
                    }
                    let mut raw = Vec::new();
                    let read = stream.read_to_end(&mut raw);
                    if raw.is_empty() {
                        // Reset or closed before the server read the request.
                        assert!(read.is_err() || raw.is_empty());
                        return answered;
                    }
                    let answer = parse_answer(&raw);
                    assert_eq!(
                        answer.status,
                        200,
                        "{}",
                        String::from_utf8_lossy(&answer.body)
                    );
                    assert!(answer.json()["at"].is_string());
                    answered += 1;
                }
            })
        })
        .collect()
}

#[test]
fn sigterm_finishes_every_request_in_flight() {
    let mut server = Server::start("sigterm", &["--concurrency", "64"]);
    let cases = sample_cases();
    let body = json!({"cases": cases, "now": NOW}).to_string().into_bytes();
    let auth = format!("Bearer {TOKEN}");
    const N: usize = 12;
    // N requests accepted and begun: headers and half of each body sent.
    let mut streams: Vec<TcpStream> = (0..N)
        .map(|_| {
            let mut s = connect(server.addr);
            s.write_all(
                head(
                    "POST",
                    "/v1/monitor",
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                    ],
                    Some(body.len()),
                )
                .as_bytes(),
            )
            .unwrap();
            s.write_all(&body[..body.len() / 2]).unwrap();
            s
        })
        .collect();
    wait_in_flight(&server, N as i64);
    // And clients sending whole requests all along.
    let clients = clients_until_refused(server.addr, 4);
    std::thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    server.wait_log("listener_closed");
    // New connections are refused once the listener is closed.
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(server.addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Every request begun is answered in full.
    let rules = sample_rules();
    let mut batch = CaseBatch::new();
    batch.read_values(cases.into_iter().map(Ok).collect());
    let expected = rules
        .monitor_batch(
            &batch,
            now(),
            Some("2026-11-24T20:30:00Z".parse().unwrap()),
            OnError::Collect,
        )
        .unwrap();
    for s in &mut streams {
        s.write_all(&body[body.len() / 2..]).unwrap();
        let answer = read_answer(s);
        assert_eq!(answer.status, 200);
        assert_bytes(&answer, &expected);
    }
    assert_eq!(server.wait_exit(), 0);
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert!(answered > 0, "the clients were never answered");
    let stopped = server.wait_log("stopped");
    assert_eq!(stopped["message"], "every request in flight finished");
}

#[test]
fn with_a_drain_delay_readyz_says_draining_before_the_listener_closes() {
    let mut server = Server::start("drain", &["--drain-delay", "1s"]);
    assert_eq!(request(server.addr, "GET", "/readyz", &[], b"").status, 200);
    let clients = clients_until_refused(server.addr, 3);
    server.signal("TERM");
    server.wait_log("shutting_down");
    let answer = request(server.addr, "GET", "/readyz", &[], b"");
    assert_eq!(
        (answer.status, answer.json()),
        (503, json!({"status": "draining"}))
    );
    // Still serving meanwhile.
    let answer = server.post("/v1/calendars/ny-support/is-open", &json!({"at": NOW}));
    assert_eq!(answer.status, 200);
    server.wait_log("listener_closed");
    assert!(TcpStream::connect(server.addr).is_err());
    assert_eq!(server.wait_exit(), 0);
    let answered: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert!(answered > 0);
}

#[test]
fn the_logs_are_json_lines_without_case_contents() {
    let server = Server::start("logs", &[]);
    let secret = "Subject-Nobody-Should-See-7731";
    let mut case = sample_cases()[0].clone();
    case["fields"]["subject"] = secret.into();
    assert_eq!(
        server
            .post("/v1/evaluate", &json!({"case": case, "now": NOW}))
            .status,
        200
    );
    let mut bad = case.clone();
    bad["events"][0]["at"] = format!("{secret}-at").into();
    assert_eq!(
        server
            .post("/v1/evaluate-many", &json!({"cases": [bad]}))
            .status,
        200
    );
    let _ = server.get("/metrics");
    // The request lines come after the answers: wait for both.
    let deadline = Instant::now() + Duration::from_secs(30);
    while server
        .logs()
        .iter()
        .filter(|l| l.contains(r#""event":"request""#))
        .count()
        < 2
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let logs = server.logs();
    for line in &logs {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["timestamp"].is_string() && v["level"].is_string(),
            "{line}"
        );
        assert!(
            !line.contains(secret) && !line.contains("Acme") && !line.contains(TOKEN),
            "{line}"
        );
    }
    let request: Value = logs
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["event"] == "request" && v["route"] == "/v1/evaluate")
        .unwrap();
    assert_eq!(
        (
            &request["method"],
            &request["status"],
            &request["client"],
            &request["cases"]
        ),
        (&json!("POST"), &json!(200), &json!("tests"), &json!(1))
    );
}

#[test]
fn a_bad_start_exits_2_and_says_which_file() {
    let dir = scratch("bad-start");
    std::fs::write(dir.join("rules.yaml"), "calendars: [").unwrap();
    std::fs::write(dir.join("tokens.txt"), token_line(TOKEN, "t")).unwrap();
    let run = |rules: &Path, tokens: &Path, listen: &str| {
        Command::new(env!("CARGO_BIN_EXE_entitlement"))
            .args(["serve", "--listen", listen, "--rules"])
            .arg(rules)
            .arg("--tokens")
            .arg(tokens)
            .output()
            .unwrap()
    };
    let out = run(
        &dir.join("rules.yaml"),
        &dir.join("tokens.txt"),
        "127.0.0.1:0",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rules.yaml") && err.contains("[parse_error]"),
        "{err}"
    );

    std::fs::write(dir.join("bad-tokens.txt"), "# ok\nnot a hash\n").unwrap();
    let rules = repo("examples/data/rules.yaml");
    let out = run(&rules, &dir.join("bad-tokens.txt"), "127.0.0.1:0");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-tokens.txt: line 2"), "{err}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let out = run(
        &rules,
        &dir.join("tokens.txt"),
        &taken.local_addr().unwrap().to_string(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));
}

/// The OpenAPI document keeps within what Salesforce External Services imports, as its help
/// pages document it ("Schema Definitions", "OpenAPI 2.0 and 3.0 Support", "Naming and
/// Description Conventions"); docs/serve.md lists the same rules.
#[test]
fn the_openapi_document_keeps_salesforce_external_services_constraints() {
    let out = Command::new(env!("CARGO_BIN_EXE_entitlement"))
        .args(["schema", "--openapi"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_external_services(&doc);

    // What the server serves is that same document.
    let server = Server::start("openapi", &[]);
    let served = request(server.addr, "GET", "/openapi.json", &[], b"").json();
    assert_eq!(served, doc);

    // Every request example is one the sample rules answer with 200.
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("post") else { continue };
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        let example = &doc["components"]["schemas"][name]["example"];
        assert!(example.is_object(), "{name} has no example");
        let answer = server.post(&path.replace("{name}", "ny-support"), example);
        assert_eq!(
            answer.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        tried += 1;
    }
    assert_eq!(tried, 7);

    // The checks catch what they look for.
    for (pointer, bad) in [
        ("/openapi", json!("3.1.0")),
        ("/paths/~1v1~1rules/get/requestBody", json!({"content": {}})),
        (
            "/paths/~1v1~1evaluate/post/operationId",
            json!("evaluate-case"),
        ),
        (
            "/components/schemas/Health/properties/Status",
            json!({"type": "string"}),
        ),
        (
            "/components/schemas/Health/properties/status/type",
            json!(["string", "null"]),
        ),
        (
            "/components/schemas/Health/description",
            json!("x".repeat(1_334)),
        ),
        (
            "/paths/~1healthz/get/responses/200/headers",
            json!({"X-A": {}}),
        ),
        (
            "/paths/~1healthz/get/responses/200/content",
            json!({"application/xml": {}}),
        ),
        (
            "/components/schemas/Health/properties/status/$ref",
            json!("#/components/schemas/Nowhere"),
        ),
    ] {
        let mut broken = doc.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let key = key.replace("~1", "/");
        broken
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key, bad);
        let caught = std::panic::catch_unwind(|| check_external_services(&broken));
        assert!(caught.is_err(), "{pointer} not caught");
    }
}

const SCHEMA_KEYWORDS: [&str; 32] = [
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "$ref",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
];

fn check_external_services(doc: &Value) {
    // OpenAPI 3.0.x (External Services reads 2.0 and a subset of 3.0, not 3.1).
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.0."),
        "version"
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // Schema names: Apex identifier characters, case-consistent.
    let mut lower = BTreeSet::new();
    for name in schemas.keys() {
        assert!(apex_identifier(name), "schema name {name}");
        assert!(
            lower.insert(name.to_lowercase()),
            "schema names differ only in case: {name}"
        );
    }
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // GET, PATCH, PUT, POST and DELETE only; a GET has no request body.
            assert!(
                ["get", "post", "put", "patch", "delete"].contains(&method.as_str()),
                "{path} {method}"
            );
            if method == "get" {
                assert!(
                    op.get("requestBody").is_none(),
                    "GET {path} has a request body"
                );
            }
            // The action's name comes from operationId: a valid, unique Apex identifier.
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{path}: no operationId"));
            assert!(apex_identifier(id) && id.len() <= 40, "operationId {id}");
            assert!(
                operation_ids.insert(id.to_lowercase()),
                "operationId twice: {id}"
            );
            for p in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = p["name"].as_str().unwrap_or("");
                assert!(
                    !name.is_empty() && apex_identifier(name),
                    "{path}: parameter {p}"
                );
                assert!(
                    ["path", "query", "header"].contains(&p["in"].as_str().unwrap()),
                    "{p}"
                );
            }
            let mut contents: Vec<&Value> = Vec::new();
            if let Some(body) = op.get("requestBody") {
                contents.push(&body["content"]);
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(status.parse::<u16>().is_ok(), "{path}: response {status}");
                // Response headers are not supported.
                assert!(
                    response.get("headers").is_none(),
                    "{path} {status}: headers"
                );
                contents.push(&response["content"]);
            }
            // application/json (and text/plain, form data) only.
            for content in contents {
                for kind in content.as_object().unwrap().keys() {
                    assert!(
                        [
                            "application/json",
                            "text/plain",
                            "application/x-www-form-urlencoded"
                        ]
                        .contains(&kind.as_str()),
                        "{path}: media type {kind}"
                    );
                }
            }
        }
    }
    walk(doc, "", &|at, v| {
        let Some(map) = v.as_object() else { return };
        // Descriptions are kept whole up to 1,333 characters.
        if let Some(d) = map.get("description").and_then(Value::as_str) {
            assert!(
                d.chars().count() <= 1_333,
                "{at}: a description of {} characters",
                d.chars().count()
            );
        }
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{at}: $ref {r}"));
            assert!(schemas.contains_key(name), "{at}: $ref to a missing {name}");
        }
    });
    for (name, schema) in schemas {
        check_schema(schema, name);
    }
}

fn check_schema(schema: &Value, at: &str) {
    let map = schema
        .as_object()
        .unwrap_or_else(|| panic!("{at}: a boolean schema"));
    for key in map.keys() {
        assert!(
            SCHEMA_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-"),
            "{at}: {key} is not an OpenAPI 3.0 schema keyword"
        );
    }
    if let Some(t) = map.get("type") {
        // Supported data types; one type per schema (null is `nullable`).
        let t = t.as_str().unwrap_or_else(|| panic!("{at}: type {t}"));
        assert!(
            ["string", "number", "integer", "boolean", "array", "object"].contains(&t),
            "{at}: {t}"
        );
        if let Some(f) = map.get("format").and_then(Value::as_str) {
            let allowed: &[&str] = match t {
                "string" => &["date", "date-time", "binary", "byte"],
                "integer" => &["int32", "int64"],
                "number" => &["float", "double"],
                _ => &[],
            };
            assert!(allowed.contains(&f), "{at}: {t} with format {f}");
        }
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        let mut lower = BTreeSet::new();
        for (name, p) in props {
            assert!(apex_identifier(name), "{at}: property {name}");
            assert!(
                lower.insert(name.to_lowercase()),
                "{at}: properties differ only in case: {name}"
            );
            check_schema(p, &format!("{at}.{name}"));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(s) = map.get(key).filter(|s| s.is_object()) {
            check_schema(s, &format!("{at}.{key}"));
        }
    }
    // Composition is `allOf` only (an optional reference): `oneOf` and `anyOf` reach Flow as
    // opaque types, and docs/serve.md promises none.
    for key in ["oneOf", "anyOf", "not"] {
        assert!(!map.contains_key(key), "{at}: {key}");
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, s) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_schema(s, &format!("{at}.{key}[{i}]"));
        }
    }
}

/// Letters, digits and underscores, starting with a letter, without a double or trailing
/// underscore.
fn apex_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

fn walk(v: &Value, at: &str, f: &dyn Fn(&str, &Value)) {
    f(at, v);
    match v {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, x)| walk(x, &format!("{at}/{k}"), f)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, x)| walk(x, &format!("{at}/{i}"), f)),
        _ => {}
    }
}
