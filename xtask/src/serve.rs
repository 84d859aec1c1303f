//! A small static file server for www/ (std only): GET/HEAD, a thread per connection, the page's
//! Content-Security-Policy as a response header, no directory traversal.

use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Used when www/index.html carries no CSP meta tag (yet).
pub const DEFAULT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

impl Server {
    /// Binds 127.0.0.1:`port` (0: any free port) and serves `root` on a background thread.
    pub fn start(root: &Path, port: u16, log: bool) -> Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} (in use? try `cargo xtask serve --port N`)")
        })?;
        let addr = listener.local_addr()?;
        let root = Arc::new(
            root.canonicalize()
                .with_context(|| format!("{} does not exist", root.display()))?,
        );
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let root = root.clone();
                std::thread::spawn(move || {
                    if let Err(e) = handle_connection(stream, &root, log) {
                        if log {
                            eprintln!("serve: {e}");
                        }
                    }
                });
            }
        });
        Ok(Server { addr, stop, handle })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until the process ends.
    pub fn join(self) {
        let _ = self.handle.join();
    }

    /// Stops accepting connections (requests in flight finish on their own threads).
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)); // wake accept()
        let _ = self.handle.join();
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    allow: bool,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

fn text(status: u16) -> Response {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: format!("{status} {}\n", reason(status)).into_bytes(),
        allow: status == 405,
    }
}

/// One request per connection (`Connection: close`): browsers open parallel connections, and
/// each is served on its own thread.
fn handle_connection(stream: TcpStream, root: &Path, log: bool) -> std::io::Result<()> {
    // Headers and body leave in one write, at once: with Nagle's algorithm a small second write
    // waits for the browser's delayed ACK, 40 ms per file.
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    // Request line and headers, at most 16 KiB.
    loop {
        let mut line = Vec::new();
        let n = (&mut reader).take(16 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            if head.is_empty() {
                return Ok(()); // connection opened and closed (e.g. our own wake-up in stop())
            }
            break;
        }
        let blank = line == b"\r\n" || line == b"\n";
        head.extend_from_slice(&line);
        if blank {
            break;
        }
        if head.len() > 16 * 1024 {
            return respond(stream, root, "?", "?", text(431), false, log);
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let is_head = method == "HEAD";
    let resp = if method != "GET" && !is_head {
        text(405)
    } else {
        match resolve(root, target) {
            Ok(path) => match std::fs::read(&path) {
                Ok(body) => Response {
                    status: 200,
                    content_type: mime(&path),
                    body,
                    allow: false,
                },
                Err(_) => text(404),
            },
            Err(status) => text(status),
        }
    };
    respond(stream, root, method, target, resp, is_head, log)
}

fn respond(
    mut stream: TcpStream,
    root: &Path,
    method: &str,
    target: &str,
    resp: Response,
    head_only: bool,
    log: bool,
) -> std::io::Result<()> {
    if log {
        println!("{} {method} {target}", resp.status);
    }
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nContent-Security-Policy: {}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
        csp(root),
    );
    if resp.allow {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

/// Maps a request target to a file under `root`, or an HTTP status. `/` and directories map to
/// their index.html; `..` segments, backslashes and NULs are refused, and the resolved file
/// (symlinks followed) must still lie inside `root`.
fn resolve(root: &Path, target: &str) -> Result<PathBuf, u16> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(400);
    }
    let decoded = percent_decode(path).ok_or(400u16)?;
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(403),
            s if s.contains(['\\', '\0']) => return Err(400),
            s => rel.push(s),
        }
    }
    let mut full = root.join(&rel);
    if full.is_dir() {
        full.push("index.html");
    }
    let canon = full.canonicalize().map_err(|_| 404u16)?;
    if !canon.starts_with(root) {
        return Err(403);
    }
    if !canon.is_file() {
        return Err(404);
    }
    Ok(canon)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The page's own policy: the `content` of `root`/index.html's
/// `<meta http-equiv="Content-Security-Policy">`, re-read on each response so edits to the page
/// apply without restarting; the default policy when there is none.
fn csp(root: &Path) -> String {
    let index = std::fs::read_to_string(root.join("index.html")).ok();
    index
        .as_deref()
        .and_then(meta_csp)
        .unwrap_or_else(|| DEFAULT_CSP.to_string())
}

/// Finds `<meta http-equiv="Content-Security-Policy" content="...">` (any attribute order,
/// either quote style, case-insensitive names) and returns its decoded content.
pub fn meta_csp(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<meta") {
        let start = from + i;
        let end = start + lower[start..].find('>')?;
        let attrs = parse_attrs(&html[start + 5..end]);
        from = end;
        let is_csp = attrs.iter().any(|(k, v)| {
            k == "http-equiv" && v.trim().eq_ignore_ascii_case("content-security-policy")
        });
        if is_csp {
            if let Some((_, v)) = attrs.iter().find(|(k, _)| k == "content") {
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                return Some(v);
            }
        }
    }
    None
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ks = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let key = s[ks..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                let vs = i;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s[vs..i].to_string();
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_string();
            }
        }
        if !key.is_empty() {
            out.push((key, decode_entities(&value)));
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_from_meta() {
        let html = r#"<!doctype html><head><meta charset="utf-8">
            <META content="default-src 'self';
                 img-src data:" HTTP-EQUIV='Content-Security-Policy'>"#;
        assert_eq!(meta_csp(html).unwrap(), "default-src 'self'; img-src data:");
        assert_eq!(
            meta_csp(r#"<meta http-equiv=content-security-policy content="a &#39;b&#39;">"#)
                .unwrap(),
            "a 'b'"
        );
        assert_eq!(meta_csp("<meta name=viewport content=x>"), None);
    }

    #[test]
    fn traversal_and_index() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        let root = dir.join("www");
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("index.html"), "hi").unwrap();
        std::fs::write(root.join("pkg/a.wasm"), "x").unwrap();
        std::fs::write(dir.join("secret"), "s").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/").unwrap(), root.join("index.html"));
        assert_eq!(
            resolve(&root, "/index.html?x=1").unwrap(),
            root.join("index.html")
        );
        assert_eq!(
            resolve(&root, "/pkg/a.wasm").unwrap(),
            root.join("pkg/a.wasm")
        );
        assert_eq!(
            resolve(&root, "/pkg/%61.wasm").unwrap(),
            root.join("pkg/a.wasm")
        );
        assert_eq!(resolve(&root, "/../secret"), Err(403));
        assert_eq!(resolve(&root, "/pkg/%2e%2e/%2E%2E/secret"), Err(403));
        assert_eq!(resolve(&root, "/..%5csecret"), Err(400));
        assert_eq!(resolve(&root, "/missing.js"), Err(404));
        assert_eq!(resolve(&root, "/pkg"), Err(404)); // a directory without index.html
        assert_eq!(resolve(&root, "http://evil/"), Err(400));
        assert_eq!(resolve(&root, "/%zz"), Err(400));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a/b.wasm")), "application/wasm");
        assert!(mime(Path::new("x.MJS")).starts_with("text/javascript"));
        assert!(mime(Path::new("index.html")).starts_with("text/html"));
    }

    #[test]
    fn serves_over_http() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-http-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.js"), "export {}").unwrap();
        let server = Server::start(&dir, 0, false).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut r = String::new();
            s.read_to_string(&mut r).unwrap();
            r
        };
        let ok = get("/m.js");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("Content-Type: text/javascript"));
        assert!(ok.contains("Content-Security-Policy: "));
        assert!(ok.ends_with("\r\n\r\nexport {}"));
        assert!(get("/nope").starts_with("HTTP/1.1 404"));
        assert!(get("/../etc/passwd").starts_with("HTTP/1.1 403"));
        server.stop();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
