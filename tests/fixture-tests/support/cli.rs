// The generated command line run in the test's process against a loopback server (included by
// the `support/mod.rs` of the fixtures whose tests run their command line).

/// What a command line run printed, and its exit status.
#[allow(
    dead_code,
    reason = "each test file that includes it reads a part of it"
)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A generated crate's `cli::run_with_stdin` (a closure calling it).
pub type RunCli = fn(
    Vec<String>,
    Box<dyn std::io::Read + Send>,
    &mut dyn std::io::Write,
    &mut dyn std::io::Write,
) -> i32;

/// Runs the command line `program` through `run` on a blocking thread (it starts its own
/// runtime), unsigned, in us-east-1, against `url`, with `args` after the global options and
/// `stdin` as its standard input.
#[allow(
    dead_code,
    reason = "only the test files that run the command line use it"
)]
pub async fn run_cli(
    run: RunCli,
    program: &str,
    url: String,
    args: &[&str],
    stdin: &'static [u8],
) -> Run {
    let mut all: Vec<String> = [
        program,
        "--region",
        "us-east-1",
        "--no-sign-request",
        "--endpoint-url",
        &url,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.extend(args.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(all, Box::new(stdin), &mut out, &mut err);
        Run {
            code,
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
        }
    })
    .await
    .expect("the command line ran")
}
