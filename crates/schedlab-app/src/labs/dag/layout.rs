//! Automatic layered (Sugiyama) layout of the task graph: layers top to bottom, crossings
//! reduced, connected components side by side. rust-sugiyama does it up to
//! [`SUGIYAMA_LIMIT`] tasks; its cost grows steeply beyond (seconds at 500 tasks, minutes at
//! 1,000), so larger graphs get a linear-time layering: longest-path layers and a few
//! barycenter sweeps.

use rust_sugiyama::configure::Config;
use schedlab_core::Scenario;

/// Horizontal and vertical distance between node centres.
pub const SPACING_X: f64 = 90.0;
pub const SPACING_Y: f64 = 80.0;
/// Graphs larger than this skip the (quadratic) transpose step.
const TRANSPOSE_LIMIT: usize = 120;
/// Graphs larger than this use [`fast_layered`].
pub const SUGIYAMA_LIMIT: usize = 250;

/// Positions (node centres) for every task, in scenario order.
pub fn layered(scenario: &Scenario) -> Vec<[f64; 2]> {
    let n = scenario.tasks.len();
    if n == 0 {
        return Vec::new();
    }
    let index: std::collections::HashMap<&str, u32> = scenario
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i as u32))
        .collect();
    let mut edges: Vec<(u32, u32)> = scenario
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?)))
        .filter(|(a, b)| a != b)
        .collect();
    edges.sort_unstable();
    edges.dedup();
    if n > SUGIYAMA_LIMIT || edges.len() > 4 * SUGIYAMA_LIMIT {
        return fast_layered(n, &edges);
    }
    let vertices: Vec<(u32, (f64, f64))> = (0..n as u32).map(|i| (i, (1.0, 1.0))).collect();
    let config = Config {
        vertex_spacing: 1.0,
        transpose: n <= TRANSPOSE_LIMIT,
        ..Config::default()
    };
    let layouts = rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config);
    let mut pos = vec![[0.0, 0.0]; n];
    let mut x0 = 0.0;
    for (coords, _width, _height) in layouts {
        let min_x = coords
            .iter()
            .map(|(_, (x, _))| *x)
            .fold(f64::INFINITY, f64::min);
        let max_x = coords
            .iter()
            .map(|(_, (x, _))| *x)
            .fold(f64::NEG_INFINITY, f64::max);
        let min_y = coords
            .iter()
            .map(|(_, (_, y))| *y)
            .fold(f64::INFINITY, f64::min);
        for (v, (x, y)) in coords {
            if v < n {
                pos[v] = [x0 + (x - min_x) * SPACING_X, (y - min_y).abs() * SPACING_Y];
            }
        }
        x0 += (max_x - min_x) * SPACING_X + SPACING_X;
    }
    // Layers top to bottom whatever the library's sign convention.
    if scenario
        .edges
        .first()
        .and_then(|e| Some((index.get(e.from.as_str())?, index.get(e.to.as_str())?)))
        .is_some_and(|(a, b)| pos[*a as usize][1] > pos[*b as usize][1])
    {
        let max_y = pos.iter().map(|p| p[1]).fold(0.0, f64::max);
        for p in &mut pos {
            p[1] = max_y - p[1];
        }
    }
    let (mx, my) = pos
        .iter()
        .fold((f64::INFINITY, f64::INFINITY), |(a, b), p| {
            (a.min(p[0]), b.min(p[1]))
        });
    for p in &mut pos {
        p[0] += 40.0 - mx;
        p[1] += 40.0 - my;
    }
    pos
}

/// Longest-path layering with barycenter ordering: O((n + e) log n) per sweep.
pub fn fast_layered(n: usize, edges: &[(u32, u32)]) -> Vec<[f64; 2]> {
    let mut succ = vec![Vec::new(); n];
    let mut pred = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for &(a, b) in edges {
        succ[a as usize].push(b as usize);
        pred[b as usize].push(a as usize);
        indeg[b as usize] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    while let Some(v) = queue.pop_front() {
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..n {
        layers[layer[v]].push(v);
    }
    let mut pos = vec![0.0f64; n];
    let place = |layers: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    };
    place(&layers, &mut pos);
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let key = |v: usize| {
                let nb = if down { &pred[v] } else { &succ[v] };
                if nb.is_empty() {
                    pos[v]
                } else {
                    nb.iter().map(|&u| pos[u]).sum::<f64>() / nb.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = layers[l].iter().map(|&v| (key(v), v)).collect();
            schedlab_core::util::sort_dyn(&mut keyed, &|a, b| {
                a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
            });
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    }
    let widest = layers.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let mut out = vec![[0.0, 0.0]; n];
    for (l, vs) in layers.iter().enumerate() {
        let offset = (widest - vs.len() as f64) / 2.0;
        for (i, &v) in vs.iter().enumerate() {
            out[v] = [
                40.0 + (offset + i as f64) * SPACING_X,
                40.0 + l as f64 * SPACING_Y,
            ];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    #[test]
    fn large_graphs_use_the_fast_layering_and_stay_layered() {
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
        let idx: std::collections::HashMap<&str, usize> = s
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
}
