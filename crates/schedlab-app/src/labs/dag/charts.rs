//! The DAG lab's own chart: makespan against σ (robustness: mean line and a 10–90 % band
//! per scheduler). The histogram of a metric over noise samples is the kit's
//! ([`crate::kit::chart::histogram`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::eval::Curve;
use crate::kit::chart::{colors, legend_at, mesh};
use crate::kit::color::{self, rgb};

/// Makespan against σ: per scheduler a mean line and a shaded 10–90 % band.
pub fn robustness<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    curves: &[Curve],
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let pts = curves.iter().flat_map(|c| c.points.iter());
    let (ylo, yhi) = pts.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.2), b.max(p.3))
    });
    if !ylo.is_finite() {
        return Ok(());
    }
    let pad = ((yhi - ylo) * 0.08).max(1e-9);
    let xmax = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..xmax, (ylo - pad).max(0.0)..yhi + pad)
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, "execution-time σ", "makespan", fg)?;
    for (i, c) in curves.iter().enumerate() {
        let col = rgb(color::series_color(i));
        let mut band: Vec<(f64, f64)> = c.points.iter().map(|p| (p.0, p.3)).collect();
        band.extend(c.points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, col.mix(0.18).filled())))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                c.points.iter().map(|p| (p.0, p.1)),
                col.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(c.scheduler.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], col.stroke_width(2)));
    }
    legend_at(&mut chart, SeriesLabelPosition::UpperLeft, bg, fg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_render_to_svg() {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (400, 240)).into_drawing_area();
            crate::kit::chart::histogram(
                &root,
                &["heft".into(), "cpop".into()],
                &[vec![80.0, 85.0, 90.0], vec![86.0, 95.0]],
                "makespan",
                false,
            )
            .unwrap();
        }
        assert!(out.matches("<rect").count() > 5);
        let mut out2 = String::new();
        {
            let root = SVGBackend::with_string(&mut out2, (400, 240)).into_drawing_area();
            let c = Curve {
                scheduler: "heft".into(),
                points: vec![(0.0, 80.0, 80.0, 80.0), (0.5, 95.0, 85.0, 110.0)],
            };
            robustness(&root, &[c], true).unwrap();
        }
        assert!(out2.contains("<polygon") && out2.contains("heft"));
    }
}
