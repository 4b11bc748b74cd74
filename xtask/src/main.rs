//! Developer tasks, in plain Rust with no dependencies: `cargo xtask <task>`.
//!
//! - `setup`: install whatever is missing: the wasm32 target, trunk, wasm-bindgen-cli at
//!   the Cargo.lock version, binaryen's wasm-opt and Playwright (npm), and with
//!   `--browser` Debian's chromium + chromium-driver. A tool already present at the right
//!   version is skipped.
//! - `serve`: setup, then `trunk serve` on http://127.0.0.1:8080.
//! - `test`: setup (with the browser), then every test: native, wasm in headless
//!   Chromium, then the site built by Trunk (failing if its gzipped wasm + js is over the
//!   bundle budget) and driven by Playwright.
//! - `bench`: criterion benchmarks, then a summary table (docs/performance.md has the
//!   recorded numbers); `--saga` also times saga's Python HEFT on the same graphs;
//!   `--web` measures the web budgets in headless Chromium instead.
//! - `lint`: rustfmt check and clippy with warnings as errors (part of `test`).
//! - `fuzz [--seconds N] [--target T]...`: a fuzz campaign (crates/schedlab-fuzz, release
//!   build; any other flag of `schedlab-fuzz` passes through); findings are kept under
//!   tests/fixtures/fuzz/crashes/. `test` runs a short fixed-seed pass.
//! - `build-web`: the release site in dist/, and its gzipped size.
//! - `screenshot`: the built site in headless Chromium, PNGs under target/screenshots/.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

mod bench;

const TRUNK_VERSION: &str = "0.21.14";
/// The site's wasm + js, gzipped, must stay at or under this (docs/performance.md, Bundle):
/// the project's 600 KB budget, issue 18's with the Web Worker and training in it (issue
/// 11's structure work ended at 589.96 KB, under its 590 KB).
const BUNDLE_BUDGET_BYTES: u64 = BUDGET_KB * 1024;
const BUDGET_KB: u64 = 600;
/// npm packages (versions pinned in tests/e2e/package-lock.json).
const E2E_DIR: &str = "tests/e2e";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROME_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

type Result<T = ()> = std::result::Result<T, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    let started = Instant::now();
    let result = match task {
        "setup" => setup(rest.iter().any(|a| a == "--browser")),
        "serve" => serve(),
        "test" => test(),
        "bench" => bench::bench(
            rest.iter().any(|a| a == "--saga"),
            rest.iter().any(|a| a == "--web"),
        ),
        "build-web" => build_web().map(|_| ()),
        "lint" => lint(),
        "fuzz" => fuzz(rest),
        "screenshot" => screenshot(),
        _ => {
            eprintln!("usage: cargo xtask <setup [--browser] | serve | test | lint | fuzz [--seconds N] [--target T] | bench [--saga | --web] | build-web | screenshot>");
            std::process::exit(if task == "help" || task == "--help" {
                0
            } else {
                2
            });
        }
    };
    match result {
        Ok(()) => eprintln!(
            "xtask {task}: done in {:.0} s",
            started.elapsed().as_secs_f64()
        ),
        Err(e) => {
            eprintln!("xtask {task}: error: {e}");
            std::process::exit(1);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn step(msg: &str) {
    eprintln!("\n==> {msg}");
}

/// Runs a command in the repository root, failing on a non-zero exit.
fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    eprintln!("$ {shown}");
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// The first line a command prints, or None if it cannot run.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    })
}

fn cargo_bin(name: &str) -> String {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cargo")
        });
    let p = home.join("bin").join(name);
    if p.exists() {
        p.to_string_lossy().into_owned()
    } else {
        name.to_string()
    }
}

/// PATH with the npm tools (binaryen's wasm-opt) and cargo's bin directory first.
fn tool_path() -> String {
    let npm_bin = root().join(E2E_DIR).join("node_modules/.bin");
    let cargo_bin_dir = PathBuf::from(cargo_bin("trunk"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    format!(
        "{}:{}:{}",
        npm_bin.display(),
        cargo_bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The wasm-bindgen version pinned in Cargo.lock: wasm-bindgen-cli must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn ensure_wasm_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        eprintln!("ok: wasm32-unknown-unknown target");
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> Result {
    if output_of(&cargo_bin("trunk"), &["--version"]).is_some_and(|v| v.contains(TRUNK_VERSION)) {
        eprintln!("ok: trunk {TRUNK_VERSION}");
        return Ok(());
    }
    step(&format!(
        "installing trunk {TRUNK_VERSION} (several minutes on 2 cores)"
    ));
    run(Command::new("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

fn ensure_wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen()?;
    if output_of(&cargo_bin("wasm-bindgen"), &["--version"]).is_some_and(|v| v.ends_with(&want))
        && output_of(&cargo_bin("wasm-bindgen-test-runner"), &["--version"]).is_some()
    {
        eprintln!("ok: wasm-bindgen-cli {want}");
        return Ok(());
    }
    step(&format!(
        "installing wasm-bindgen-cli {want} (the Cargo.lock version)"
    ));
    // Not --locked: its lock file pins a crate release the registry here lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

fn ensure_npm_tools() -> Result {
    let dir = root().join(E2E_DIR);
    let wasm_opt = dir.join("node_modules/.bin/wasm-opt");
    let playwright = dir.join("node_modules/playwright-core/package.json");
    let esbuild = dir.join("node_modules/.bin/esbuild");
    if wasm_opt.exists() && playwright.exists() && esbuild.exists() {
        eprintln!("ok: npm tools (binaryen wasm-opt, esbuild, playwright-core)");
        return Ok(());
    }
    step("installing npm tools: binaryen (wasm-opt), esbuild and playwright-core");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix", E2E_DIR]))
}

fn is_root() -> bool {
    output_of("id", &["-u"]).as_deref() == Some("0")
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        eprintln!("ok: chromium and chromedriver");
        return Ok(());
    }
    step("installing Debian's chromium and chromium-driver");
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = Command::new(all[0]);
        c.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update", "-q"])?;
    apt(&["install", "-y", "-q", "chromium", "chromium-driver"])
}

fn setup(browser: bool) -> Result {
    step("checking tools");
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_npm_tools()?;
    ensure_trunk()?;
    if browser {
        ensure_chromium()?;
    }
    Ok(())
}

fn trunk(args: &[&str]) -> Command {
    let mut c = Command::new(cargo_bin("trunk"));
    c.args(args).env("PATH", tool_path());
    c
}

fn serve() -> Result {
    setup(false)?;
    step("serving on http://127.0.0.1:8080 (Ctrl+C to stop)");
    run(&mut trunk(&[
        "serve",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        "8080",
    ]))
}

/// Builds the release site and returns (wasm + js) gzipped bytes.
fn build_web() -> Result<u64> {
    setup(false)?;
    step("building the site (trunk build --release)");
    run(&mut trunk(&["build", "--release", "--offline"]))?;
    minify_js()?;
    let mut total = 0;
    for e in std::fs::read_dir(root().join("dist")).map_err(|e| e.to_string())? {
        let p = e.map_err(|e| e.to_string())?.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        if ext == "wasm" || ext == "js" {
            let out = Command::new("gzip")
                .args(["-9", "-c"])
                .arg(&p)
                .output()
                .map_err(|e| e.to_string())?;
            eprintln!(
                "{}: {} bytes, {} gzipped",
                p.display(),
                std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0),
                out.stdout.len()
            );
            total += out.stdout.len() as u64;
        }
    }
    eprintln!(
        "wasm + js gzipped: {total} bytes ({:.0} KB)",
        total as f64 / 1024.0
    );
    Ok(total)
}

/// The sha384 of a file as Subresource Integrity wants it (base64), by openssl.
fn sri(path: &Path) -> Result<String> {
    let digest = Command::new("openssl")
        .args(["dgst", "-sha384", "-binary"])
        .arg(path)
        .output()
        .map_err(|e| format!("openssl: {e}"))?;
    let mut b64 = Command::new("openssl")
        .args(["base64", "-A"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("openssl: {e}"))?;
    use std::io::Write as _;
    b64.stdin
        .take()
        .ok_or("openssl: no stdin")?
        .write_all(&digest.stdout)
        .map_err(|e| e.to_string())?;
    let out = b64.wait_with_output().map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Minifies the site's JS glue in place with esbuild (wasm-bindgen's ES module: about
/// 2.5 KB of the gzipped bundle; Trunk's own minifier fails on it) and updates its
/// integrity hash in index.html.
fn minify_js() -> Result {
    let dist = root().join("dist");
    let esbuild = root().join(E2E_DIR).join("node_modules/.bin/esbuild");
    let index = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index).map_err(|e| e.to_string())?;
    for e in std::fs::read_dir(&dist).map_err(|e| e.to_string())? {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.extension().and_then(|x| x.to_str()) != Some("js") {
            continue;
        }
        let before = sri(&p)?;
        run(Command::new(&esbuild)
            .arg(&p)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", p.display())))?;
        html = html.replace(&before, &sri(&p)?);
    }
    std::fs::write(&index, html).map_err(|e| e.to_string())
}

/// Fails when the gzipped wasm + js is over the budget.
fn check_bundle(gz: u64) -> Result {
    if gz > BUNDLE_BUDGET_BYTES {
        return Err(format!(
            "the site's wasm + js is {gz} bytes gzipped ({:.1} KB), over the {BUDGET_KB} KB budget \
             (docs/performance.md, bundle: see what grew with a name-section build and twiggy)",
            gz as f64 / 1024.0
        ));
    }
    eprintln!("ok: bundle {gz} bytes gzipped, budget {BUDGET_KB} KB");
    Ok(())
}

/// A minimal static file server for dist/ (HTTP/1.0, GET only), for browser tests.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(dir: PathBuf) -> Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(s) = stream {
                    let dir = dir.clone();
                    std::thread::spawn(move || {
                        let _ = handle(s, &dir);
                    });
                }
            }
        });
        Ok(Server { port, stop })
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(mut s: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(s.try_clone()?).read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let mut file = dir.join(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    });
    if rel.contains("..") {
        file = dir.join("missing");
    }
    match std::fs::File::open(&file) {
        Ok(mut f) => {
            let mut body = Vec::new();
            f.read_to_end(&mut body)?;
            let ctype = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("json") => "application/json",
                Some("png") => "image/png",
                Some("svg") => "image/svg+xml",
                _ => "application/octet-stream",
            };
            write!(s, "HTTP/1.0 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\r\n", body.len())?;
            s.write_all(&body)
        }
        Err(_) => s.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"),
    }
}

fn lint() -> Result {
    step("lint: rustfmt and clippy (native and wasm32), warnings are errors");
    run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--exclude",
        "schedlab-web",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo").args([
        "clippy",
        "-p",
        "schedlab-web",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The fuzzer in a release build (a debug build runs it ~20 times slower), arguments
/// passed through.
fn fuzz<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Result {
    run(Command::new("cargo")
        .args(["run", "--release", "-q", "-p", "schedlab-fuzz", "--"])
        .args(args))
}

fn test() -> Result {
    setup(true)?;
    lint()?;
    step("native tests (engine, CLI, xtask)");
    run(Command::new("cargo").args(["test", "--workspace", "--exclude", "schedlab-web"]))?;
    step("fuzz: every kept input, then a short fixed-seed pass (deterministic)");
    fuzz(&[
        "--replay-fixtures",
        "--execs-per-target",
        "1500",
        "--seed",
        "1",
        // Release build, but CI machines are shared: the campaign's limit is 1 s.
        "--hang-ms",
        "5000",
        "--stuck-ms",
        "60000",
        "--no-save",
        "--quiet",
    ])?;
    step("wasm tests in headless Chromium (wasm-bindgen-test)");
    run(Command::new("cargo")
        .args([
            "test",
            "-p",
            "schedlab-web",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            cargo_bin("wasm-bindgen-test-runner"),
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;
    let gz = build_web()?;
    check_bundle(gz)?;
    step("browser end-to-end tests (Playwright + Debian's Chromium)");
    let server = Server::start(root().join("dist"))?;
    let shots = root().join("target/e2e-screenshots");
    std::fs::create_dir_all(&shots).map_err(|e| e.to_string())?;
    let mut tests: Vec<PathBuf> = std::fs::read_dir(root().join(E2E_DIR))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    run(Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&tests)
        .env("SCHEDLAB_URL", server.url())
        .env("SCHEDLAB_SHOTS", &shots)
        .env("SCHEDLAB_WASM_JS_GZIP", gz.to_string())
        .env("CHROMIUM", CHROMIUM))?;
    eprintln!("screenshots: {}", shots.display());
    Ok(())
}

fn screenshot() -> Result {
    build_web()?;
    ensure_chromium()?;
    let server = Server::start(root().join("dist"))?;
    let dir = root().join("target/screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let profile = root().join("target/chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    let out = dir.join("home.png");
    run(Command::new(CHROMIUM)
        .args(CHROME_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--window-size=1280,800", "--virtual-time-budget=3000"])
        .arg(format!("--screenshot={}", out.display()))
        .arg(server.url()))?;
    eprintln!("screenshot: {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_budget_fails_one_byte_over() {
        assert!(check_bundle(BUNDLE_BUDGET_BYTES).is_ok());
        let e = check_bundle(BUNDLE_BUDGET_BYTES + 1).unwrap_err();
        assert!(e.contains("over the"), "{e}");
    }
}
