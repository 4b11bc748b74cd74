//! `schedlab schedulers`: a registry, one line each (`--kind` picks which; schedulers by
//! default).

use schedlab_core::registry::Entry;
use schedlab_core::sched::REGISTRY;
use schedlab_core::serve::router::ROUTERS;
use schedlab_core::stream::dag::DAG_POLICIES;
use schedlab_core::stream::policy::POLICIES;

use crate::args::{KindArg, SchedulersArgs};
use crate::error::CliResult;
use crate::io;

/// `--variables`: what a rule of each kind may read.
fn variables(kind: KindArg) -> String {
    use schedlab_core::rule::Var;
    let lists: Vec<(&str, &[Var])> = vec![
        (
            "scheduler rule: priority (rule:priority=…, highest first)",
            schedlab_core::sched::rule::PRIORITY_VARS,
        ),
        (
            "scheduler rule: placement (rule:…:placement=…, lowest wins)",
            schedlab_core::sched::rule::PLACEMENT_VARS,
        ),
        (
            "policy rule (stream --policies 'rule:…', lowest runs first)",
            schedlab_core::stream::policy::JOB_VARS,
        ),
        (
            "router rule (serve --routers 'rule:…', lowest wins)",
            schedlab_core::serve::router::ROUTE_VARS,
        ),
        (
            "DAG-job rule (stream --mix dag|ds3 --policies 'rule:…', lowest wins)",
            schedlab_core::stream::dag::policy::FEATURE_VARS,
        ),
    ];
    let pick: &[usize] = match kind {
        KindArg::Sched => &[0, 1],
        KindArg::Stream => &[2],
        KindArg::Router => &[3],
        KindArg::Dag => &[4],
        KindArg::All => &[0, 1, 2, 3, 4],
    };
    let mut out = String::new();
    for &i in pick {
        let (heading, vars) = lists[i];
        out.push_str(&format!("# {heading}\n"));
        let w = vars.iter().map(|v| v.name.len()).max().unwrap_or(0);
        for v in vars {
            out.push_str(&format!("{:w$}  {}\n", v.name, v.help));
        }
    }
    out.push_str("numbers, + - * /, < <= > >= == !=, and or not, if … then … else …, min max abs log sqrt exp\n");
    out
}

pub fn exec(a: &SchedulersArgs) -> CliResult<()> {
    if a.variables {
        return io::emit(&variables(a.kind), None);
    }
    let sections: Vec<(&str, Vec<Entry<()>>)> = vec![
        (
            "schedulers (run, compare; options with --set KEY=VALUE)",
            REGISTRY.iter().map(Entry::about).collect(),
        ),
        (
            "online policies (stream --policies; options as id:value or id:key=value)",
            POLICIES.iter().map(Entry::about).collect(),
        ),
        (
            "DAG-job policies (stream --mix dag|ds3 --policies; options as id:value)",
            DAG_POLICIES.iter().map(Entry::about).collect(),
        ),
        (
            "routers (serve --routers; options as id:value)",
            ROUTERS.iter().map(Entry::about).collect(),
        ),
    ];
    let pick = match a.kind {
        KindArg::Sched => Some(0),
        KindArg::Stream => Some(1),
        KindArg::Dag => Some(2),
        KindArg::Router => Some(3),
        KindArg::All => None,
    };
    let mut out = String::new();
    for (i, (heading, entries)) in sections.iter().enumerate() {
        match pick {
            Some(k) if k != i => continue,
            Some(_) => {}
            None => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("# {heading}\n"));
            }
        }
        out.push_str(&lines(entries));
    }
    io::emit(&out, None)
}

/// `id  rule (citation) [key=values ...] (also: alias)`, ids padded to one width.
fn lines(entries: &[Entry<()>]) -> String {
    let width = entries.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in entries {
        let opts: Vec<String> = s
            .options
            .iter()
            .map(|o| format!("{}={}", o.key, o.values.describe()))
            .collect();
        let opts = if opts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", opts.join(" "))
        };
        let citation = if s.citation.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.citation)
        };
        let aliases = if s.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also: {})", s.aliases.join(", "))
        };
        out.push_str(&format!(
            "{:width$}  {}{citation}{opts}{aliases}\n",
            s.id, s.rule
        ));
    }
    out
}
