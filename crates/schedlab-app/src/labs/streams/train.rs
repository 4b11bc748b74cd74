//! What the Train panel says about a fine-tuning run: which point of the learning curve is
//! the best on validation (the weights "Use this policy" takes), and one line on where the
//! run stands against where it started and against HEFT-RT. Tested here; the page shows it.

use schedlab_core::stream::learned::CurvePoint;

/// The index of the curve's best point: the lowest validation latency, the earliest on a
/// tie (the first point is the starting weights).
pub fn best_point(curve: &[CurvePoint]) -> usize {
    let mut best = 0;
    for (i, p) in curve.iter().enumerate() {
        if p.learned < curve[best].learned {
            best = i;
        }
    }
    best
}

/// The status line after `curve` (its first point the start), `asked` iterations asked for.
/// Iterations count this run's (the curve's own numbers add the weights' earlier training).
pub fn train_status(curve: &[CurvePoint], asked: usize) -> String {
    let (Some(first), Some(last)) = (curve.first(), curve.last()) else {
        return String::new();
    };
    let b = &curve[best_point(curve)];
    let done = curve.len() - 1;
    let mut out = format!(
        "iteration {done} of {asked}: validation mean latency {:.1} (start {:.1}, best {:.1} at iteration {}; heft_rt {:.1}, dls_srpt {:.1}).",
        last.learned,
        first.learned,
        b.learned,
        b.iteration - first.iteration,
        last.heft,
        last.dls
    );
    if done > 0 && b.iteration == first.iteration {
        out += " Training has not beaten the starting weights on validation: Use would change nothing.";
    } else if done > 0 && last.learned > b.learned {
        out += " Worse than its best: Use takes the best weights.";
    }
    if done > 0 && b.learned > last.heft {
        out += " Still behind heft_rt.";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(v: &[f64]) -> Vec<CurvePoint> {
        v.iter()
            .enumerate()
            .map(|(i, &l)| CurvePoint {
                iteration: 200 + i,
                learned: l,
                heft: 262.0,
                dls: 265.0,
                fitness: 1.0,
            })
            .collect()
    }

    #[test]
    fn the_best_weights_and_a_run_that_made_things_worse_are_named() {
        // The report's case: fine-tuning made validation worse (263.0 → 269.4) and left the
        // policy behind HEFT-RT: said, and Use keeps the start.
        let c = curve(&[263.0, 265.5, 269.4]);
        assert_eq!(best_point(&c), 0);
        let s = train_status(&c, 40);
        assert!(s.starts_with("iteration 2 of 40: validation mean latency 269.4 (start 263.0, best 263.0 at iteration 0;"), "{s}");
        assert!(
            s.contains("has not beaten the starting weights") && s.contains("behind heft_rt"),
            "{s}"
        );
        // Better, then worse: Use takes iteration 2, ahead of HEFT-RT.
        let c = curve(&[263.0, 261.0, 259.5, 260.2]);
        assert_eq!(best_point(&c), 2);
        let s = train_status(&c, 3);
        assert!(
            s.starts_with("iteration 3 of 3:") && s.contains("best 259.5 at iteration 2"),
            "{s}"
        );
        assert!(
            s.contains("Use takes the best weights") && !s.contains("behind"),
            "{s}"
        );
        assert_eq!(train_status(&[], 3), "");
    }
}
