//! Automatic layered (Sugiyama) layout of the task graph: layers top to bottom, crossings
//! reduced, connected components side by side. Hand-written (it replaced rust-sugiyama,
//! which cost 31 KB of the gzipped bundle and seconds beyond 500 tasks; ARCHITECTURE.md,
//! Dependencies), in four steps:
//!
//! 1. **Layers**: longest path from the sources, then every task with more successors
//!    than predecessors moves down next to its nearest successor (shorter edges).
//! 2. **Dummies**: an edge spanning k layers gets k − 1 invisible waypoints, so the
//!    ordering sees it in every layer it crosses (skipped when they would outnumber the
//!    graph many times over).
//! 3. **Order**: barycenter sweeps down and up, keeping the ordering with the fewest
//!    crossings (counted exactly, Fenwick tree per layer pair), then adjacent swaps
//!    (transpose) on small graphs.
//! 4. **Coordinates**: each task is pulled towards the mean of its neighbours, the order
//!    and one spacing between neighbours kept: a least-squares fit per layer solved
//!    exactly by pooling adjacent violators.

use schedlab_core::Scenario;

/// Horizontal and vertical distance between node centres.
pub const SPACING_X: f64 = 90.0;
pub const SPACING_Y: f64 = 80.0;
/// Margin around the drawing.
const MARGIN: f64 = 40.0;
/// Graphs with more nodes (tasks and waypoints) than this skip the transpose step.
const TRANSPOSE_LIMIT: usize = 300;
/// Graphs with more nodes than this get four uncounted sweeps instead of twelve counted.
const COUNT_LIMIT: usize = 20_000;

/// Positions (node centres) for every task, in scenario order.
pub fn layered(scenario: &Scenario) -> Vec<[f64; 2]> {
    let n = scenario.tasks.len();
    let index: schedlab_core::util::FastMap<&str, usize> = scenario
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut edges: Vec<(u32, u32)> = scenario
        .edges
        .iter()
        .filter_map(|e| {
            Some((
                *index.get(e.from.as_str())? as u32,
                *index.get(e.to.as_str())? as u32,
            ))
        })
        .filter(|(a, b)| a != b)
        .collect();
    schedlab_core::util::sort_ord(&mut edges);
    edges.dedup();
    layout(n, &edges)
}

/// Positions for `n` nodes and the edges between them (indices; no self-loops or
/// duplicates). A cycle does not hang it: nodes on one keep the layer reached so far.
pub fn layout(n: usize, edges: &[(u32, u32)]) -> Vec<[f64; 2]> {
    let mut out = vec![[0.0, 0.0]; n];
    // Connected components side by side, in order of their first node.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut v: usize) -> usize {
        while p[v] != v {
            p[v] = p[p[v]];
            v = p[v];
        }
        v
    }
    for &(a, b) in edges {
        let (ra, rb) = (root(&mut parent, a as usize), root(&mut parent, b as usize));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut slot = vec![usize::MAX; n];
    let mut local = vec![0u32; n];
    for (v, lv) in local.iter_mut().enumerate() {
        let r = root(&mut parent, v);
        if slot[r] == usize::MAX {
            slot[r] = members.len();
            members.push(Vec::new());
        }
        *lv = members[slot[r]].len() as u32;
        members[slot[r]].push(v);
    }
    let mut comp_edges: Vec<Vec<(u32, u32)>> = vec![Vec::new(); members.len()];
    for &(a, b) in edges {
        comp_edges[slot[root(&mut parent, a as usize)]]
            .push((local[a as usize], local[b as usize]));
    }
    let mut x0 = MARGIN;
    for (vs, es) in members.iter().zip(&comp_edges) {
        let (xy, width) = component(vs.len(), es);
        for (k, &v) in vs.iter().enumerate() {
            out[v] = [x0 + xy[k][0] * SPACING_X, MARGIN + xy[k][1] * SPACING_Y];
        }
        x0 += (width + 1.0) * SPACING_X;
    }
    out
}

/// One connected component of `n` nodes: (x in spacings from 0, layer) per node, and the
/// width in spacings.
fn component(n: usize, edges: &[(u32, u32)]) -> (Vec<[f64; 2]>, f64) {
    // 1. Layers.
    let mut succ = vec![Vec::new(); n];
    let mut pred = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for &(a, b) in edges {
        succ[a as usize].push(b as usize);
        pred[b as usize].push(a as usize);
        indeg[b as usize] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut topo: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut head = 0;
    while head < topo.len() {
        let v = topo[head];
        head += 1;
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                topo.push(w);
            }
        }
    }
    for &v in topo.iter().rev() {
        if succ[v].len() > pred[v].len() {
            let lo = succ[v].iter().map(|&w| layer[w]).min().unwrap_or(0);
            if lo > layer[v] + 1 {
                layer[v] = lo - 1;
            }
        }
    }
    // Drop layers left empty by the moves.
    let mut used = vec![false; layer.iter().copied().max().unwrap_or(0) + 1];
    for &l in &layer {
        used[l] = true;
    }
    let mut rank = vec![0usize; used.len()];
    let mut depth = 0;
    for (l, u) in used.iter().enumerate() {
        rank[l] = depth;
        depth += usize::from(*u);
    }
    for l in &mut layer {
        *l = rank[*l];
    }

    // 2. Waypoints: the extended graph's edges join adjacent layers only.
    let span: usize = edges
        .iter()
        .map(|&(a, b)| layer[b as usize].saturating_sub(layer[a as usize] + 1))
        .sum();
    let waypoints = span <= 8 * (n + edges.len()) + 1_000;
    let mut up: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut level = layer.clone();
    for &(a, b) in edges {
        let (la, lb) = (layer[a as usize], layer[b as usize]);
        if lb <= la || (lb > la + 1 && !waypoints) {
            continue;
        }
        let mut prev = a;
        for l in la + 1..lb {
            let d = level.len() as u32;
            level.push(l);
            up.push(vec![prev]);
            down.push(Vec::new());
            down[prev as usize].push(d);
            prev = d;
        }
        down[prev as usize].push(b);
        up[b as usize].push(prev);
    }
    let m = level.len();
    let mut layers: Vec<Vec<u32>> = vec![Vec::new(); depth];
    for (v, &l) in level.iter().enumerate() {
        layers[l].push(v as u32);
    }

    // 3. Order.
    let mut pos = vec![0.0f64; m];
    let renumber = |layers: &[Vec<u32>], pos: &mut [f64]| {
        for vs in layers {
            for (i, &v) in vs.iter().enumerate() {
                pos[v as usize] = i as f64;
            }
        }
    };
    renumber(&layers, &mut pos);
    let counted = m <= COUNT_LIMIT;
    let mut best = (crossings(&layers, &pos, &down, m), layers.clone());
    for sweep in 0..if counted { 12 } else { 4 } {
        if sweep % 2 == 0 {
            for vs in layers.iter_mut().skip(1) {
                barycenter(vs, &mut pos, &up);
            }
        } else {
            for vs in layers.iter_mut().rev().skip(1) {
                barycenter(vs, &mut pos, &down);
            }
        }
        if counted && sweep % 2 == 1 {
            let c = crossings(&layers, &pos, &down, m);
            if c < best.0 {
                best = (c, layers.clone());
            }
        }
    }
    if counted {
        layers = best.1;
        renumber(&layers, &mut pos);
    }
    if m <= TRANSPOSE_LIMIT {
        transpose(&mut layers, &mut pos, &up, &down);
    }

    // 4. Coordinates.
    let mut x = pos;
    for pass in 0..8 {
        let toward = |v: usize, x: &[f64]| -> f64 {
            let (a, b): (&[u32], &[u32]) = match pass % 4 {
                0 => (&up[v], &[]),
                1 => (&down[v], &[]),
                _ => (&up[v], &down[v]),
            };
            let k = a.len() + b.len();
            if k == 0 {
                x[v]
            } else {
                a.iter().chain(b).map(|&u| x[u as usize]).sum::<f64>() / k as f64
            }
        };
        let order: Vec<usize> = if pass % 4 == 1 {
            (0..depth).rev().collect()
        } else {
            (0..depth).collect()
        };
        for l in order {
            let want: Vec<f64> = layers[l].iter().map(|&v| toward(v as usize, &x)).collect();
            for (&v, xv) in layers[l].iter().zip(spaced_fit(&want)) {
                x[v as usize] = xv;
            }
        }
    }
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let xy = (0..n).map(|v| [x[v] - lo, level[v] as f64]).collect();
    (xy, (hi - lo).max(0.0))
}

/// Reorders one layer by the mean position of each node's neighbours in the layer just
/// swept (a node without any keeps its place), then renumbers it.
fn barycenter(vs: &mut [u32], pos: &mut [f64], nbrs: &[Vec<u32>]) {
    let mut keyed: Vec<(f64, f64, u32)> = vs
        .iter()
        .map(|&v| {
            let nb = &nbrs[v as usize];
            let here = pos[v as usize];
            let key = if nb.is_empty() {
                here
            } else {
                nb.iter().map(|&u| pos[u as usize]).sum::<f64>() / nb.len() as f64
            };
            (key, here, v)
        })
        .collect();
    schedlab_core::util::sort_dyn(&mut keyed, &|a, b| {
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    for (i, (_, _, v)) in keyed.iter().enumerate() {
        vs[i] = *v;
        pos[*v as usize] = i as f64;
    }
}

/// Edge crossings of the extended graph: for each pair of adjacent layers, the pairs of
/// edges whose ends are in opposite orders (a Fenwick tree over the lower layer).
pub fn crossings(layers: &[Vec<u32>], pos: &[f64], down: &[Vec<u32>], m: usize) -> u64 {
    let mut total = 0u64;
    let mut tree = vec![0u64; m + 1];
    for pair in layers.windows(2) {
        let width = pair[1].len();
        tree[..=width].iter_mut().for_each(|c| *c = 0);
        let mut inserted = 0u64;
        for &u in &pair[0] {
            for &w in &down[u as usize] {
                // Inserted edges ending at or before w's place do not cross this one.
                let mut i = pos[w as usize] as usize + 1;
                let mut not_after = 0;
                while i > 0 {
                    not_after += tree[i];
                    i &= i - 1;
                }
                total += inserted - not_after;
            }
            for &w in &down[u as usize] {
                let mut i = pos[w as usize] as usize + 1;
                while i <= width {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
                inserted += 1;
            }
        }
    }
    total
}

/// Swaps neighbours in a layer while that removes crossings (each swap changes only the
/// crossings between the two nodes' own edges, so it never adds any).
fn transpose(layers: &mut [Vec<u32>], pos: &mut [f64], up: &[Vec<u32>], down: &[Vec<u32>]) {
    let pairs = |a: &[u32], b: &[u32], pos: &[f64]| -> (usize, usize) {
        let (mut before, mut after) = (0, 0);
        for &s in a {
            for &t in b {
                let (ps, pt) = (pos[s as usize], pos[t as usize]);
                before += usize::from(ps > pt);
                after += usize::from(ps < pt);
            }
        }
        (before, after)
    };
    for _ in 0..24 {
        let mut improved = false;
        for vs in layers.iter_mut() {
            for i in 1..vs.len() {
                let (u, v) = (vs[i - 1] as usize, vs[i] as usize);
                let (c1, s1) = pairs(&up[u], &up[v], pos);
                let (c2, s2) = pairs(&down[u], &down[v], pos);
                if s1 + s2 < c1 + c2 {
                    vs.swap(i - 1, i);
                    pos.swap(u, v);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// The positions closest to `want` (least squares) that keep their order and are at least
/// one apart: with y = x − i the constraint is y non-decreasing, an isotonic regression
/// solved exactly by pooling adjacent violators.
fn spaced_fit(want: &[f64]) -> Vec<f64> {
    // Blocks of (sum, count) of the shifted targets.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(want.len());
    for (i, w) in want.iter().enumerate() {
        let mut b = (w - i as f64, 1);
        while let Some(&(s, c)) = blocks.last() {
            if s / c as f64 <= b.0 / b.1 as f64 {
                break;
            }
            blocks.pop();
            b = (b.0 + s, b.1 + c);
        }
        blocks.push(b);
    }
    let mut out = Vec::with_capacity(want.len());
    for (s, c) in blocks {
        let mean = s / c as f64;
        for _ in 0..c {
            out.push(mean + out.len() as f64);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    #[test]
    fn a_3000_task_graph_stays_layered_without_overlaps() {
        let spec = schedlab_core::gen::GenSpec {
            family: schedlab_core::gen::Family::Random {
                tasks: 3000,
                alpha: 1.0,
                out_degree: 3,
            },
            ..Default::default()
        };
        let s = schedlab_core::gen::generate(&spec).unwrap();
        let pos = layered(&s);
        let idx: schedlab_core::util::FastMap<&str, usize> = s
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        for e in &s.edges {
            assert!(pos[idx[e.to.as_str()]][1] > pos[idx[e.from.as_str()]][1]);
        }
        let distinct: std::collections::HashSet<(i64, i64)> =
            pos.iter().map(|p| (p[0] as i64, p[1] as i64)).collect();
        assert_eq!(distinct.len(), 3000);
    }

    #[test]
    fn every_edge_points_down_and_nodes_do_not_overlap() {
        for p in presets::ALL {
            let s = p.scenario();
            let pos = layered(&s);
            assert_eq!(pos.len(), s.tasks.len());
            let idx = |n: &str| s.tasks.iter().position(|t| t.name == n).unwrap();
            for e in &s.edges {
                assert!(
                    pos[idx(&e.to)][1] > pos[idx(&e.from)][1],
                    "{}: {} -> {}",
                    p.id,
                    e.from,
                    e.to
                );
            }
            let mut seen = std::collections::HashSet::new();
            for q in &pos {
                assert!(
                    seen.insert(((q[0] * 10.0).round() as i64, (q[1] * 10.0).round() as i64)),
                    "{}: two nodes at {q:?}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn a_fork_join_is_centred_and_a_tree_has_no_crossings() {
        // 0 -> 1..=4 -> 5: the fork and the join sit over the middle of the four.
        let mut e: Vec<(u32, u32)> = (1..=4).map(|v| (0, v)).collect();
        e.extend((1..=4).map(|v| (v, 5)));
        let pos = layout(6, &e);
        let mid = (pos[1][0] + pos[4][0]) / 2.0;
        assert!(
            (pos[0][0] - mid).abs() < 1e-9 && (pos[5][0] - mid).abs() < 1e-9,
            "{pos:?}"
        );
        // A binary out-tree of 63 nodes, numbered so that the first layer's order is bad.
        let n = 63u32;
        let perm = |v: u32| (v * 37) % n;
        let tree: Vec<(u32, u32)> = (1..n).map(|v| (perm((v - 1) / 2), perm(v))).collect();
        let pos = layout(n as usize, &tree);
        assert_eq!(drawn_crossings(&pos, &tree), 0);
    }

    #[test]
    fn crossings_are_counted_exactly() {
        let layers = vec![vec![0, 1], vec![2, 3]];
        let pos = [0.0, 1.0, 0.0, 1.0];
        let crossed = [vec![3], vec![2], vec![], vec![]];
        assert_eq!(crossings(&layers, &pos, &crossed, 4), 1);
        let straight = [vec![2], vec![3], vec![], vec![]];
        assert_eq!(crossings(&layers, &pos, &straight, 4), 0);
        // K(3,3): every pair of edges without a shared end crosses once: 9 pairs.
        let layers = vec![vec![0, 1, 2], vec![3, 4, 5]];
        let pos = [0.0, 1.0, 2.0, 0.0, 1.0, 2.0];
        let full: Vec<Vec<u32>> = (0..6)
            .map(|v| if v < 3 { vec![3, 4, 5] } else { vec![] })
            .collect();
        assert_eq!(crossings(&layers, &pos, &full, 6), 9);
    }

    #[test]
    fn the_spaced_fit_keeps_order_and_spacing_and_is_exact_when_it_can_be() {
        assert_eq!(spaced_fit(&[0.0, 5.0, 7.0]), vec![0.0, 5.0, 7.0]);
        // Three nodes all wanting 2: centred on it, one apart.
        assert_eq!(spaced_fit(&[2.0, 2.0, 2.0]), vec![1.0, 2.0, 3.0]);
        let fit = spaced_fit(&[3.0, 0.0, 10.0, 9.5]);
        for w in fit.windows(2) {
            assert!(w[1] - w[0] >= 1.0 - 1e-12, "{fit:?}");
        }
    }

    #[test]
    fn a_cycle_does_not_hang_and_components_do_not_overlap() {
        let pos = layout(5, &[(0, 1), (1, 2), (2, 0), (3, 4)]);
        let distinct: std::collections::HashSet<(i64, i64)> =
            pos.iter().map(|p| (p[0] as i64, p[1] as i64)).collect();
        assert_eq!(distinct.len(), 5);
        assert!(pos[3][0].min(pos[4][0]) > pos[..3].iter().map(|p| p[0]).fold(0.0, f64::max));
    }

    /// Pairs of drawn (straight) edges without a shared end that cross.
    fn drawn_crossings(pos: &[[f64; 2]], e: &[(u32, u32)]) -> usize {
        let side = |a: [f64; 2], b: [f64; 2], p: [f64; 2]| {
            ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])).signum()
        };
        let mut c = 0;
        for (i, &(a, b)) in e.iter().enumerate() {
            for &(p, q) in &e[i + 1..] {
                if a == p || a == q || b == p || b == q {
                    continue;
                }
                let [a, b, p, q] = [a, b, p, q].map(|v| pos[v as usize]);
                if side(a, b, p) * side(a, b, q) < 0.0 && side(p, q, a) * side(p, q, b) < 0.0 {
                    c += 1;
                }
            }
        }
        c
    }
}
