//! Hostile input at the command line (issue 18): huge counts, endless files, outputs that
//! cannot be written and names that try to forge the error line. Every case must end in
//! bounded time and memory with exit status 2 and one `error:` line (or, for a closed pipe,
//! a quiet non-zero exit), never a panic.

mod common;

use std::fs::File;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{preset, root};

/// What a run left behind.
struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
}

/// Waits for `child` at most `limit`, killing it (and failing the test) past that: a
/// command that allocates gigabytes or reads forever is caught here, without `timeout`.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `schedlab args` (stdout and stderr into files, so a big output cannot block it)
/// and gives it `limit` to finish.
fn schedlab_within(args: &[&str], limit: Duration) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let child = Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .expect("runs");
    let status = wait_within(child, limit, &format!("{args:?}"));
    Ran {
        status,
        stdout: std::fs::read(&out).unwrap(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err).unwrap()).into_owned(),
    }
}

/// Exit status 2 within `limit`, nothing on stdout, exactly one stderr line starting with
/// `error: `, free of control characters.
fn fails_within(args: &[&str], limit: Duration) -> String {
    let r = schedlab_within(args, limit);
    assert_eq!(
        r.status.code(),
        Some(2),
        "{args:?} should fail with 2: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{args:?} printed on stdout");
    let err = r.stderr;
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "{args:?}: not one line: {err:?}"
    );
    assert!(err.starts_with("error: "), "{args:?}: {err:?}");
    assert!(
        !err.trim_end_matches('\n').chars().any(char::is_control),
        "{args:?}: control characters in {err:?}"
    );
    err
}

fn fails(args: &[&str]) -> String {
    fails_within(args, Duration::from_secs(20))
}

#[test]
fn huge_counts_are_refused_before_any_work() {
    let robot = root().join("../shared/data/stg/apps/robot.stg");
    let robot = robot.to_str().unwrap();
    // Used to panic (capacity overflow), and to take gigabytes.
    for n in ["18446744073709551615", "100000000", "1025", "0", "1e3"] {
        let e = fails(&["import", "--from", "stg", "--processors", n, robot]);
        assert!(e.contains("--processors") && e.contains("1024"), "{e}");
    }
    let topcuoglu = preset("topcuoglu2002");
    // Every count flag, one past its bound (the engine's documented limit where it has one).
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["run", &topcuoglu, "--scheduler", "heft"],
            "--processors",
            "1025",
        ),
        (
            &["compare", &topcuoglu, "--schedulers", "heft"],
            "--processors",
            "1025",
        ),
        (
            &["compare", &topcuoglu, "--schedulers", "heft"],
            "--seeds",
            "100001",
        ),
        (&["gen", "dag"], "--processors", "1025"),
        (&["gen", "dag"], "--tasks", "100001"),
        (&["gen", "dag"], "--out-degree", "18446744073709551615"),
        // (size² overflowed: a panic in debug builds)
        (
            &["gen", "dag", "--family", "gaussian"],
            "--size",
            "5000000000",
        ),
        (
            &["gen", "dag", "--family", "fft"],
            "--points",
            "9223372036854775808",
        ),
        (
            &["gen", "dag", "--family", "fork-join"],
            "--width",
            "18446744073709551615",
        ),
        (
            &["gen", "dag", "--family", "fork-join"],
            "--stages",
            "100001",
        ),
        (
            &["gen", "dag", "--family", "in-tree"],
            "--branching",
            "100001",
        ),
        (&["gen", "dag", "--family", "in-tree"], "--depth", "100001"),
        (&["gen", "dag", "--family", "chain"], "--length", "100001"),
        (&["stream", "--policies", "srpt"], "--jobs", "1000001"),
        (&["stream", "--policies", "srpt"], "--machines", "4097"),
        (
            &["stream", "--policies", "srpt", "--mix", "chain"],
            "--ops",
            "10001",
        ),
        (
            &["stream", "--policies", "dls_srpt", "--mix", "dag"],
            "--dag-tasks",
            "1001",
        ),
        (
            &["serve", "--synthetic", "--routers", "dualmap"],
            "--requests",
            "1000001",
        ),
        (
            &["serve", "--synthetic", "--routers", "dualmap"],
            "--instances",
            "1025",
        ),
        (
            &["serve", "--synthetic", "--routers", "dualmap"],
            "--cache-blocks",
            "18446744073709551615",
        ),
        (
            &["serve", "--synthetic", "--routers", "dualmap"],
            "--batch-limit",
            "1000001",
        ),
        (&["train"], "--iterations", "1000001"),
        (&["train"], "--jobs", "10001"),
        (&["train"], "--pairs", "257"),
        (&["train"], "--streams", "257"),
        (&["train"], "--hidden", "257"),
        (&["train"], "--depth", "9"),
        (&["train"], "--processors", "1025"),
        (&["train"], "--dag-tasks", "1001"),
        (&["eval"], "--seeds", "10001"),
        (&["eval"], "--jobs", "1000001"),
        (&["eval"], "--processors", "18446744073709551615"),
    ];
    for (args, flag, value) in cases {
        let mut all = args.to_vec();
        all.extend([*flag, *value]);
        let e = fails(&all);
        assert!(
            e.contains(&format!("'{flag} <")) && e.contains(value),
            "{all:?}: the error names the flag and the value: {e}"
        );
    }
}

#[test]
fn endless_and_binary_inputs_are_refused_by_name() {
    // A device has no length: reading it used to grow to gigabytes. Read at most the
    // limit (64 MiB) and one byte, so this ends in seconds.
    for args in [
        &["run", "/dev/zero", "--scheduler", "heft"][..],
        &["import", "--from", "stg", "/dev/zero"][..],
        &["stream", "--policies", "srpt", "--trace", "/dev/zero"][..],
    ] {
        let e = fails_within(args, Duration::from_secs(30));
        assert!(e.contains("/dev/zero") && e.contains("limit"), "{e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("latin1.stg");
    std::fs::write(&bin, b"3\n0 0 0\n1 5 1 0\n\xe9t\xe9\n").unwrap();
    let bin = bin.to_str().unwrap();
    let e = fails(&["import", "--from", "stg", bin]);
    assert!(e.contains(bin) && e.contains("not UTF-8"), "{e}");
}

/// `/dev/full` as stdout (or stderr): every write fails with ENOSPC.
fn to_dev_full(args: &[&str], stderr_too: bool) -> Ran {
    let full = || {
        File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let dir = tempfile::tempdir().unwrap();
    let err = dir.path().join("err");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_schedlab"));
    cmd.args(args).stdout(full());
    if stderr_too {
        cmd.stderr(full());
    } else {
        cmd.stderr(File::create(&err).unwrap());
    }
    let status = wait_within(cmd.spawn().unwrap(), Duration::from_secs(60), "dev/full");
    Ran {
        status,
        stdout: Vec::new(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}

#[test]
fn failed_writes_are_errors() {
    for args in [
        &["run", &preset("topcuoglu2002"), "--scheduler", "heft"][..],
        &["schedulers"][..],
        &["gen", "dag"][..],
        &["--help"][..],
    ] {
        let r = to_dev_full(args, false);
        assert_eq!(
            r.status.code(),
            Some(2),
            "{args:?} > /dev/full: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: cannot write stdout"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // A full stderr: `train` reports its progress there. No panic (status 101), but a
    // failure status, since the news could not be told.
    let train = [
        "train",
        "--iterations",
        "0",
        "--jobs",
        "5",
        "--pairs",
        "1",
        "--streams",
        "1",
        "--workload",
        "random-dag",
        "--dag-tasks",
        "5",
        "--processors",
        "2",
    ];
    let r = to_dev_full(&train, true);
    assert_eq!(r.status.code(), Some(2), "train 2> /dev/full");
    // An output file that cannot be written.
    let e = fails(&["gen", "dag", "-o", "/dev/full"]);
    assert!(e.contains("cannot write /dev/full"), "{e}");
}

#[test]
fn a_closed_pipe_ends_quietly_without_a_panic() {
    // Megabytes of output into a pipe nobody reads: the first write past the pipe's buffer
    // meets EPIPE.
    let mut child = Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(["gen", "dag", "--family", "chain", "--length", "20000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = child.stderr.take().unwrap();
    let status = wait_within(child, Duration::from_secs(60), "gen into a closed pipe");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
    assert!(!status.success(), "the output was lost: not a success");
    assert_ne!(status.code(), Some(101), "a panic: {err}");
    assert!(err.is_empty(), "quiet: {err}");
}

#[test]
fn control_characters_cannot_forge_the_error_line() {
    let evil = "evil\rerror: fake\u{1b}[31m";
    let dir = tempfile::tempdir().unwrap();
    let cyc = dir.path().join("cyc.json");
    let scenario = serde_json::json!({
        "version": 1,
        "processors": [{"name": "P"}],
        "tasks": [{"name": evil, "cost": 1}, {"name": "b", "cost": 1}],
        "edges": [{"from": evil, "to": "b"}, {"from": "b", "to": evil}],
    });
    std::fs::write(&cyc, scenario.to_string()).unwrap();
    let e = fails(&["run", cyc.to_str().unwrap(), "--scheduler", "heft"]);
    assert!(
        e.contains(r"cycle: evil\rerror: fake\u{1b}[31m -> b -> evil\rerror: fake\u{1b}[31m"),
        "{e}"
    );
    // From the engine, from clap and from a file name.
    let e = fails(&[
        "run",
        &preset("topcuoglu2002"),
        "--scheduler",
        "x\ny\u{1b}[2J",
    ]);
    assert!(e.contains(r"unknown scheduler 'x\ny\u{1b}[2J'"), "{e}");
    let e = fails(&[
        "run",
        &preset("topcuoglu2002"),
        "--scheduler",
        "heft",
        "--format",
        "js\ron",
    ]);
    assert!(e.contains(r"invalid value 'js\ron'"), "{e}");
    let e = fails(&["run", "no\u{2028}such\u{202e}.json", "--scheduler", "heft"]);
    assert!(e.contains(r"no\u{2028}such\u{202e}.json"), "{e}");
}
