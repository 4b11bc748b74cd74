//! Charts drawn with plotters on any backend: the distribution of a metric over noise
//! samples (histogram, one color per scheduler) and makespan against σ (robustness: mean
//! line and a 10–90 % band per scheduler).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::eval::Curve;
use crate::palette;

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Background and foreground of every chart in the light or dark theme.
pub fn colors(dark: bool) -> (RGBColor, RGBColor) {
    if dark {
        (RGBColor(13, 17, 23), RGBColor(230, 237, 243))
    } else {
        (RGBColor(255, 255, 255), RGBColor(27, 31, 36))
    }
}

/// The grid and axes of every chart, in the theme's foreground color (one function, so
/// plotters' mesh code is instantiated once in the WebAssembly bundle).
pub fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x: &str,
    y: &str,
    fg: RGBColor,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .x_desc(x)
        .y_desc(y)
        .axis_style(fg)
        .label_style(("sans-serif", 11).into_font().color(&fg))
        .light_line_style(fg.mix(0.08))
        .bold_line_style(fg.mix(0.15))
        .draw()
        .map_err(|e| e.to_string())
}

/// The series legend of every chart (one instantiation, as [`mesh`]).
pub fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    bg: RGBColor,
    fg: RGBColor,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .background_style(bg.mix(0.8))
        .border_style(fg.mix(0.3))
        .label_font(("sans-serif", 11).into_font().color(&fg))
        .draw()
        .map_err(|e| e.to_string())
}

/// Equal-width bins over all series: (lower edge, upper edge, count per series).
pub fn bins(series: &[Vec<f64>], count: usize) -> Vec<(f64, f64, Vec<usize>)> {
    let all = series.iter().flatten().copied();
    let lo = all.clone().fold(f64::INFINITY, f64::min);
    let hi = all.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let w = (hi - lo) / count as f64;
    (0..count)
        .map(|i| {
            let (a, b) = (lo + i as f64 * w, lo + (i + 1) as f64 * w);
            let counts = series
                .iter()
                .map(|s| {
                    s.iter()
                        .filter(|&&v| (v >= a && v < b) || (i + 1 == count && v == hi))
                        .count()
                })
                .collect();
            (a, b, counts)
        })
        .collect()
}

/// A histogram of `series` (one per scheduler, named), side by side within each bin.
pub fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[String],
    series: &[Vec<f64>],
    x_label: &str,
    dark: bool,
) -> Result<(), String> {
    histogram_with(root, names, series, x_label, "samples", dark)
}

/// [`histogram`] with a y-axis label of one's own ("jobs").
pub fn histogram_with<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[String],
    series: &[Vec<f64>],
    x_label: &str,
    y_label: &str,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let b = bins(series, 16);
    if b.is_empty() {
        return Ok(());
    }
    let (x0, x1) = (b[0].0, b[b.len() - 1].1);
    let y1 = b
        .iter()
        .flat_map(|x| x.2.iter())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.1;
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(40)
        .build_cartesian_2d(x0..x1, 0.0..y1)
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, x_label, y_label, fg)?;
    let k = series.len().max(1) as f64;
    for (s, name) in names.iter().enumerate() {
        let c = rgb(palette::series_color(s));
        chart
            .draw_series(b.iter().map(|(a, bb, counts)| {
                let w = (bb - a) / k;
                let l = a + w * s as f64;
                Rectangle::new(
                    [(l, 0.0), (l + w * 0.9, counts[s] as f64)],
                    c.mix(0.85).filled(),
                )
            }))
            .map_err(|e| e.to_string())?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], c.filled()));
    }
    if names.len() > 1 {
        legend(&mut chart, bg, fg)?;
    }
    Ok(())
}

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
        let col = rgb(palette::series_color(i));
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
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(bg.mix(0.8))
        .border_style(fg.mix(0.3))
        .label_font(("sans-serif", 11).into_font().color(&fg))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_count_every_sample_once() {
        let s = vec![vec![1.0, 2.0, 2.5, 4.0], vec![4.0, 4.0]];
        let b = bins(&s, 4);
        assert_eq!(b.len(), 4);
        assert_eq!(b.iter().map(|x| x.2[0]).sum::<usize>(), 4);
        assert_eq!(b.iter().map(|x| x.2[1]).sum::<usize>(), 2);
        assert_eq!(b[3].2[1], 2, "the maximum falls in the last bin");
        assert!(bins(&[vec![]], 4).is_empty());
        assert_eq!(
            bins(&[vec![3.0, 3.0]], 2)
                .iter()
                .map(|x| x.2[0])
                .sum::<usize>(),
            2
        );
    }

    #[test]
    fn charts_render_to_svg() {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (400, 240)).into_drawing_area();
            histogram(
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
