//! `schedlab schedulers`: the registry, one line each.

use schedlab_core::sched::REGISTRY;

use crate::error::CliResult;
use crate::io;

pub fn exec() -> CliResult<()> {
    let width = REGISTRY.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in REGISTRY {
        let opts: Vec<String> = s
            .options
            .iter()
            .map(|o| format!("{}={}", o.key, o.values.join("|")))
            .collect();
        let opts = if opts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", opts.join(" "))
        };
        out.push_str(&format!(
            "{:width$}  {} ({}){opts}\n",
            s.id, s.summary, s.citation
        ));
    }
    io::emit(&out, None)
}
