//! The charts: `plotters` drawing to SVG strings, inlined into the page.
//!
//! One renderer in Rust serves the CLI and the Python binding alike, and SVG keeps the page
//! self-contained and sharp in print. Text is left to the browser (`font-family="sans-serif"`;
//! no font is bundled or fetched). Every chart is an `<svg role="img">` with a `<title>` and a
//! `<desc>`, and the page puts its data in a real `<table>` beside it.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The Okabe–Ito palette: told apart by readers with colour-vision deficiencies.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
];
/// Breaches and what is over target.
pub const RED: RGBColor = RGBColor(200, 40, 40);
/// Near misses.
pub const AMBER: RGBColor = RGBColor(230, 159, 0);
/// The goal line.
pub const GOAL: RGBColor = RGBColor(140, 20, 20);
const INK: RGBColor = RGBColor(40, 40, 40);
/// The minor grid lines: barely there.
const LIGHT: RGBColor = RGBColor(246, 246, 246);

/// The CSS colour of a palette entry.
pub fn css(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

const W: u32 = 960;
const H: u32 = 300;

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn font(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

/// Draws with `draw` into an SVG string and gives it its text alternative. A drawing error
/// (none is expected of the SVG backend) becomes an SVG that says so, never a panic.
fn svg(
    title: &str,
    desc: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn,
) -> String {
    let mut out = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        let r = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root));
        r.and_then(|()| root.present().map_err(Into::into))
    };
    if drawn.is_err() {
        out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\"><text x=\"20\" y=\"40\">The chart could not be drawn; its data is in the table.</text></svg>"
        );
    }
    accessible(&out, title, desc)
}

/// Adds `role="img"`, `aria-label`, `<title>` and `<desc>` to an `<svg>` string.
fn accessible(svg: &str, title: &str, desc: &str) -> String {
    let t = maud::html!((title)).into_string();
    let d = maud::html!((desc)).into_string();
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|i| start + i) else {
        return svg.to_string();
    };
    // The size comes from the page's CSS (the viewBox keeps the proportions).
    let open = svg[start + 4..end]
        .replace(&format!("width=\"{W}\""), "")
        .replace(&format!("height=\"{H}\""), "");
    format!(
        "{}<svg role=\"img\" aria-label=\"{t}\" preserveAspectRatio=\"xMidYMid meet\"{open}><title>{t}</title><desc>{d}</desc>{}",
        &svg[..start],
        &svg[end + 1..]
    )
}

/// Category labels under a chart whose x axis runs over `0..n` (category `i` centred on
/// `i + 0.5`); every `step`-th is drawn when they would crowd.
fn category_labels(
    root: &DrawingArea<SVGBackend, Shift>,
    chart: &ChartContext<SVGBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labels: &[String],
) -> Drawn {
    let step = labels.len().div_ceil(14).max(1);
    for (i, label) in labels.iter().enumerate().step_by(step) {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        let style = font(14.0).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(label.clone(), (x, y + 6), style))?;
    }
    Ok(())
}

/// Grouped bars: attainment per month (groups) and milestone (bars), with the goal line.
pub fn attainment(
    months: &[String],
    series: &[(String, Vec<Option<f64>>)],
    goal: f64,
    title: &str,
    desc: &str,
) -> String {
    svg(title, desc, |root| {
        let n = months.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..n, 0f64..105f64)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(font(14.0))
            .light_line_style(LIGHT)
            .draw()?;
        let k = series.len().max(1) as f64;
        let width = 0.8 / k;
        for (j, (_, values)) in series.iter().enumerate() {
            let color = PALETTE[j % PALETTE.len()];
            chart.draw_series(values.iter().enumerate().filter_map(|(i, v)| {
                let v = (*v)?;
                let x0 = i as f64 + 0.1 + j as f64 * width;
                Some(Rectangle::new(
                    [(x0, 0.0), (x0 + width * 0.9, v)],
                    color.filled(),
                ))
            }))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, goal), (n, goal)],
            GOAL.stroke_width(2),
        )))?;
        let (x, y) = chart.backend_coord(&(n, goal));
        root.draw(&Text::new(
            format!("goal {goal}%"),
            (x - 4, y - 4),
            font(13.0)
                .color(&GOAL)
                .pos(Pos::new(HPos::Right, VPos::Bottom)),
        ))?;
        category_labels(root, &chart, months)
    })
}

/// Stacked bars per week: breaches, then near misses.
pub fn weekly(
    labels: &[String],
    breaches: &[u32],
    near_misses: &[u32],
    title: &str,
    desc: &str,
) -> String {
    svg(title, desc, |root| {
        let n = labels.len().max(1) as f64;
        let top = breaches
            .iter()
            .zip(near_misses)
            .map(|(b, m)| b + m)
            .max()
            .unwrap_or(0)
            .max(4);
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..n, 0f64..f64::from(top) * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(top.min(8) as usize + 1)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(14.0))
            .light_line_style(LIGHT)
            .draw()?;
        chart.draw_series(
            breaches
                .iter()
                .enumerate()
                .filter(|(_, b)| **b > 0)
                .map(|(i, b)| {
                    Rectangle::new(
                        [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, f64::from(*b))],
                        RED.filled(),
                    )
                }),
        )?;
        chart.draw_series(
            breaches
                .iter()
                .zip(near_misses)
                .enumerate()
                .filter(|(_, (_, m))| **m > 0)
                .map(|(i, (b, m))| {
                    let (b, m) = (f64::from(*b), f64::from(*m));
                    Rectangle::new(
                        [(i as f64 + 0.15, b), (i as f64 + 0.85, b + m)],
                        AMBER.filled(),
                    )
                }),
        )?;
        category_labels(root, &chart, labels)
    })
}

/// A distribution of business time used over target, in bands; the bands past 100% in red.
pub fn distribution(
    labels: &[String],
    counts: &[u32],
    over_from: usize,
    title: &str,
    desc: &str,
) -> String {
    svg(title, desc, |root| {
        let n = labels.len().max(1) as f64;
        let top = counts.iter().copied().max().unwrap_or(0).max(4);
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..n, 0f64..f64::from(top) * 1.12)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(top.min(8) as usize + 1)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(14.0))
            .light_line_style(LIGHT)
            .draw()?;
        chart.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| {
                    let color = if i >= over_from { RED } else { PALETTE[0] };
                    Rectangle::new(
                        [(i as f64 + 0.1, 0.0), (i as f64 + 0.9, f64::from(*c))],
                        color.filled(),
                    )
                }),
        )?;
        let target = over_from as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(target, 0.0), (target, f64::from(top) * 1.12)],
            GOAL.stroke_width(2),
        )))?;
        let (x, y) = chart.backend_coord(&(target, f64::from(top) * 1.1));
        root.draw(&Text::new(
            "target".to_string(),
            (x + 4, y),
            font(13.0).color(&GOAL).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        category_labels(root, &chart, labels)
    })
}

/// Case counts against caps: used (solid), projected (light), the cap (a red line).
pub fn usage(
    labels: &[String],
    used: &[f64],
    projected: &[Option<f64>],
    caps: &[Option<f64>],
    title: &str,
    desc: &str,
) -> String {
    svg(title, desc, |root| {
        let n = labels.len().max(1) as f64;
        let top = used
            .iter()
            .copied()
            .chain(projected.iter().flatten().copied())
            .chain(caps.iter().flatten().copied())
            .fold(4.0_f64, f64::max);
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..n, 0f64..top * 1.15)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(14.0))
            .light_line_style(LIGHT)
            .draw()?;
        let light = PALETTE[4].mix(0.45);
        chart.draw_series(projected.iter().enumerate().filter_map(|(i, p)| {
            let p = (*p)?;
            Some(Rectangle::new(
                [(i as f64 + 0.2, 0.0), (i as f64 + 0.8, p)],
                light.filled(),
            ))
        }))?;
        chart.draw_series(used.iter().enumerate().map(|(i, u)| {
            Rectangle::new(
                [(i as f64 + 0.3, 0.0), (i as f64 + 0.7, *u)],
                PALETTE[0].filled(),
            )
        }))?;
        chart.draw_series(caps.iter().enumerate().filter_map(|(i, c)| {
            let c = (*c)?;
            Some(PathElement::new(
                vec![(i as f64 + 0.1, c), (i as f64 + 0.9, c)],
                RED.stroke_width(3),
            ))
        }))?;
        category_labels(root, &chart, labels)
    })
}

/// Accounts by ARR (log scale) against attainment, labelled, with the goal line.
pub fn scatter(points: &[(String, f64, f64, bool)], goal: f64, title: &str, desc: &str) -> String {
    svg(title, desc, |root| {
        let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
        let (lo, hi) = if lo.is_finite() && lo > 0.0 && hi > lo {
            (lo / 1.6, hi * 1.6)
        } else {
            (1_000.0, 10_000_000.0)
        };
        let y_lo = points
            .iter()
            .map(|p| p.2)
            .fold(goal, f64::min)
            .min(50.0)
            .floor();
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d((lo..hi).log_scale(), y_lo..103f64)?;
        chart
            .configure_mesh()
            .x_desc("ARR (log scale)")
            .y_desc("attainment")
            .x_label_formatter(&|v| money_short(*v))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(font(14.0))
            .light_line_style(LIGHT)
            .axis_desc_style(font(14.0))
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(lo, goal), (hi, goal)],
            GOAL.stroke_width(2),
        )))?;
        chart.draw_series(points.iter().map(|(name, arr, att, flagged)| {
            let color = if *flagged { RED } else { PALETTE[0] };
            EmptyElement::at((*arr, *att))
                + Circle::new((0, 0), 6, color.filled())
                + Text::new(name.clone(), (9, -16), font(13.0))
        }))?;
        Ok(())
    })
}

/// `24k`, `1.2M`: the axis labels of money.
pub fn money_short(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_has_its_text_alternative() {
        let months = vec!["2026-07".to_string(), "2026-08".to_string()];
        let charts = [
            attainment(
                &months,
                &[("FR".into(), vec![Some(90.0), None])],
                95.0,
                "T1",
                "D1",
            ),
            weekly(&months, &[1, 0], &[0, 2], "T2", "D2"),
            distribution(&months, &[3, 1], 1, "T3", "D3"),
            usage(
                &months,
                &[3.0, 1.0],
                &[Some(4.0), None],
                &[Some(5.0), None],
                "T4",
                "D4",
            ),
            scatter(&[("A".into(), 1e5, 90.0, false)], 95.0, "T5", "D5"),
        ];
        for (i, svg) in charts.iter().enumerate() {
            let n = i + 1;
            assert!(
                svg.starts_with(&format!("<svg role=\"img\" aria-label=\"T{n}\"")),
                "{svg:.200}"
            );
            assert!(svg.contains(&format!("<title>T{n}</title><desc>D{n}</desc>")));
            assert!(svg.contains("viewBox"));
            assert!(
                !svg.contains("http://")
                    || svg
                        .matches("http://")
                        .all(|_| svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            );
        }
    }

    #[test]
    fn labels_and_alternatives_are_escaped() {
        let svg = scatter(
            &[("<script>x</script>".into(), 1e5, 90.0, true)],
            95.0,
            "a <b> & \"c\"",
            "<i>",
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("aria-label=\"a &lt;b&gt; &amp; &quot;c&quot;\""));
        assert!(svg.contains("<desc>&lt;i&gt;</desc>"));
    }
}
