//! The four registries (schedulers, online policies, DAG-job policies, routers) have one
//! shape: every entry is well-formed, every id round-trips through the one parser, and the
//! validator sweeps cover every entry and option value.

#[path = "common/sweep.rs"]
mod sweep;

use std::collections::BTreeSet;

use schedlab_core::registry::{self, Entry, Values};
use schedlab_core::sched::{self, Options};
use schedlab_core::serve::router::{Router, ROUTERS};
use schedlab_core::stream::dag::{DagPolicy, DAG_POLICIES};
use schedlab_core::stream::policy::{Policy, POLICIES};

/// Each family's entries without makers, its sweep list, and its parser: a spelling → the
/// id of the object built and the options given.
type Parse = fn(&str) -> Result<(&'static str, Options), String>;

fn both<M, T>(
    entries: &'static [Entry<M>],
    s: &str,
    parse: fn(&str) -> schedlab_core::Result<T>,
    id: fn(&T) -> &'static str,
) -> Result<(&'static str, Options), String> {
    let (e, p) = registry::parse(entries, "entry", "", s).map_err(|e| e.to_string())?;
    let built = parse(s).map_err(|e| e.to_string())?;
    assert_eq!(id(&built), e.id, "'{s}' built something else");
    Ok((e.id, p.options))
}

/// (family, entries, sweep list, parser).
type Family = (&'static str, Vec<Entry<()>>, Vec<String>, Parse);

fn families() -> Vec<Family> {
    vec![
        (
            "scheduler",
            sched::REGISTRY.iter().map(Entry::about).collect(),
            sweep::schedulers(),
            |s| {
                let (spec, options) = sched::parse(s).map_err(|e| e.to_string())?;
                spec.build(&options).map_err(|e| e.to_string())?;
                Ok((spec.id, options))
            },
        ),
        (
            "policy",
            POLICIES.iter().map(Entry::about).collect(),
            sweep::policies(),
            |s| both(POLICIES, s, Policy::parse, |p| p.id()),
        ),
        (
            "DAG-job policy",
            DAG_POLICIES.iter().map(Entry::about).collect(),
            sweep::dag_policies(),
            |s| both(DAG_POLICIES, s, DagPolicy::parse, |p| p.id()),
        ),
        (
            "router",
            ROUTERS.iter().map(Entry::about).collect(),
            sweep::routers(),
            |s| both(ROUTERS, s, Router::parse, |r| r.id()),
        ),
    ]
}

#[test]
fn every_entry_is_well_formed_and_its_id_is_unique() {
    for (family, entries, _, _) in families() {
        let mut seen = BTreeSet::new();
        for e in &entries {
            for id in std::iter::once(&e.id).chain(e.aliases) {
                assert!(seen.insert(*id), "{family}: '{id}' twice");
                assert!(
                    !id.is_empty() && !id.contains([':', '=', ',', ' ']),
                    "{family}: bad id '{id}'"
                );
            }
            assert!(!e.name.trim().is_empty(), "{family} {}: no name", e.id);
            assert!(!e.rule.trim().is_empty(), "{family} {}: no rule", e.id);
            assert!(
                !e.rule.contains('\n'),
                "{family} {}: rule not one line",
                e.id
            );
            let mut keys = BTreeSet::new();
            for o in e.options {
                assert!(keys.insert(o.key), "{family} {}: option twice", e.id);
                assert!(!o.help.is_empty(), "{family} {}.{}: no help", e.id, o.key);
                if let Values::OneOf(v) = o.values {
                    assert!(!v.is_empty(), "{family} {}.{}", e.id, o.key);
                }
            }
        }
    }
}

#[test]
fn every_id_alias_and_option_default_round_trips_through_the_parser() {
    for (family, entries, _, parse) in families() {
        for e in &entries {
            for id in std::iter::once(&e.id).chain(e.aliases) {
                assert_eq!(parse(id).map(|r| r.0), Ok(e.id), "{family} '{id}'");
            }
            // Every option's default, given positionally and by name, builds the same entry.
            let defaults: Vec<String> = e.options.iter().map(|o| o.values.default_text()).collect();
            if !defaults.is_empty() {
                let positional = format!("{}:{}", e.id, defaults.join(":"));
                assert_eq!(
                    parse(&positional).map(|r| r.0),
                    Ok(e.id),
                    "{family} '{positional}'"
                );
                for (o, d) in e.options.iter().zip(&defaults) {
                    let named = format!("{}:{}={d}", e.id, o.key);
                    assert_eq!(parse(&named).map(|r| r.0), Ok(e.id), "{family} '{named}'");
                }
            } else if family != "scheduler" {
                assert!(parse(&format!("{}:1", e.id)).is_err(), "{family} {}", e.id);
            }
        }
        assert!(parse("no_such_entry").is_err());
    }
}

#[test]
fn the_sweeps_cover_every_entry_and_every_option_value() {
    for (family, entries, sweep, parse) in families() {
        let covered: BTreeSet<(&str, Options)> = sweep
            .iter()
            .map(|s| parse(s).unwrap_or_else(|e| panic!("{family} sweep '{s}': {e}")))
            .collect();
        for e in &entries {
            assert!(
                covered.iter().any(|(id, _)| *id == e.id),
                "{family} '{}' is not in the validator sweep",
                e.id
            );
            for o in e.options {
                if let Values::OneOf(values) = o.values {
                    for v in values.iter().skip(1) {
                        assert!(
                            covered.iter().any(|(id, opts)| *id == e.id
                                && opts.get(o.key).map(String::as_str) == Some(*v)),
                            "{family} '{}:{}={v}' is not in the validator sweep",
                            e.id,
                            o.key
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_spellings_in_use_keep_working() {
    assert_eq!(
        Policy::parse("rr:0.2").unwrap(),
        Policy::Rr { quantum: 0.2 }
    );
    assert_eq!(
        Policy::parse("rr:quantum=0.2").unwrap(),
        Policy::Rr { quantum: 0.2 }
    );
    assert_eq!(
        Policy::parse("mlfq:1:5").unwrap(),
        Policy::Mlfq {
            quantum: 1.0,
            levels: 5
        }
    );
    assert_eq!(Policy::parse("setf").unwrap(), Policy::Las);
    assert_eq!(DagPolicy::parse("dls_srpt:3").unwrap().depth(), 3);
    assert_eq!(DagPolicy::parse("heft").unwrap(), DagPolicy::HeftRt);
    assert_eq!(Router::parse("rr").unwrap(), Router::RoundRobin);
    assert_eq!(
        Router::parse("least_loaded:tokens").unwrap(),
        Router::LeastLoaded { tokens: true }
    );
    assert_eq!(
        Router::parse("least_loaded:requests").unwrap(),
        Router::LeastLoaded { tokens: false }
    );
    let (spec, options) = sched::parse("heft:comm_average=saga").unwrap();
    assert_eq!(
        (spec.id, options["comm_average"].as_str()),
        ("heft", "saga")
    );
    // The messages each family gave before.
    let err = |r: Result<(), String>| r.unwrap_err();
    assert_eq!(
        err(Policy::parse("rr:0").map(|_| ()).map_err(|e| e.to_string())),
        "policy 'rr:0': the quantum '0' is not a positive number"
    );
    assert_eq!(
        err(DagPolicy::parse("etf:9")
            .map(|_| ())
            .map_err(|e| e.to_string())),
        "policy 'etf:9': the depth after ':' must be a whole number from 1 to 8"
    );
    assert_eq!(
        err(DagPolicy::parse("heft_rt:2")
            .map(|_| ())
            .map_err(|e| e.to_string())),
        "policy 'heft_rt' takes no ':' option"
    );
    assert!(err(DagPolicy::parse("nope")
        .map(|_| ())
        .map_err(|e| e.to_string()))
    .starts_with("unknown policy 'nope' for DAG jobs (known: dls_srpt, "));
    assert!(err(Policy::parse("mlfq:1:99")
        .map(|_| ())
        .map_err(|e| e.to_string()))
    .contains("levels is above the limit"));
    assert_eq!(
        err(sched::find("nope").map(|_| ()).map_err(|e| e.to_string())),
        format!(
            "unknown scheduler 'nope' (known: {})",
            sched::REGISTRY
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
}

#[test]
fn the_streams_picker_lists_the_registry_that_fits_the_mix() {
    use schedlab_core::stream::lab::{policy_entries, JobMix};
    let ids = |mix| policy_entries(mix).iter().map(|e| e.id).collect::<Vec<_>>();
    let online: Vec<&str> = POLICIES.iter().map(|e| e.id).collect();
    let dag: Vec<&str> = DAG_POLICIES.iter().map(|e| e.id).collect();
    for mix in [JobMix::Single, JobMix::Chain] {
        assert_eq!(ids(mix), online);
    }
    for mix in [JobMix::Ds3, JobMix::Dag] {
        assert_eq!(ids(mix), dag);
    }
    // What the picker shows: the name, with the rule as its tooltip.
    let dls = &policy_entries(JobMix::Ds3)[0];
    assert_eq!(
        (dls.name, dls.rule),
        (DAG_POLICIES[0].name, DAG_POLICIES[0].rule)
    );
}
