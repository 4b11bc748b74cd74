//! Automatic layered (Sugiyama) layout of the task graph, with rust-sugiyama: layers top
//! to bottom, crossings reduced, connected components side by side.

use rust_sugiyama::configure::Config;
use schedlab_core::Scenario;

/// Horizontal and vertical distance between node centres.
pub const SPACING_X: f64 = 90.0;
pub const SPACING_Y: f64 = 80.0;
/// Graphs larger than this skip the (quadratic) transpose step.
const TRANSPOSE_LIMIT: usize = 120;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

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
