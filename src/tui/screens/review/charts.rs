//! Review's Progress page: accuracy by week, mock-exam scores against the 700 line, and custom
//! exams listed apart (they are too small or too narrow to plot beside a mock).
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use crate::study::dashboard::{Dashboard, MOCK_MIN_QUESTIONS};
use crate::study::exam::PASS_MARK;
use crate::tui::app::Ctx;

/// Rows a chart spends outside its plot: two borders, the x axis and its labels.
const CHART_CHROME: u16 = 4;

/// The tallest plot height that fits `rows` and puts the middle labels of 100/400/700/1000 on
/// the very rows their values are drawn on: ratatui spaces labels by whole rows, so the plot
/// height minus one must divide by three.
pub(crate) fn aligned_plot_height(rows: u16) -> u16 {
    let h = rows.saturating_sub(CHART_CHROME);
    if h < 4 { h } else { h - (h - 1) % 3 }
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let [acc, rest] = Layout::vertical([Constraint::Percentage(45), Constraint::Min(0)]).areas(area);
    accuracy(frame, acc, ctx, d);
    let custom_rows = if d.custom_exams.is_empty() { 0 } else { 3 };
    let plot = aligned_plot_height(rest.height.saturating_sub(custom_rows));
    let [exams, custom] = Layout::vertical([Constraint::Length(plot + CHART_CHROME), Constraint::Min(0)]).areas(rest);
    mock_chart(frame, exams, ctx, d);
    if !d.custom_exams.is_empty() {
        let shown: Vec<String> = d
            .custom_exams
            .iter()
            .rev()
            .take(6)
            .map(|e| format!("{} q · {}% · est. {}", e.questions, e.percent.round(), e.scaled))
            .collect();
        let text = format!("newest first: {}", shown.join("  |  "));
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(text, t.muted)))
                .block(Block::bordered().title(format!(" Custom exams ({}): not in the trend ", d.custom_exams.len()))),
            custom,
        );
    }
}

fn accuracy(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let points: Vec<(f64, f64)> = d
        .accuracy_by_week
        .iter()
        .enumerate()
        .filter(|(_, w)| w.answered > 0)
        .map(|(i, w)| (i as f64, 100.0 * w.correct as f64 / w.answered as f64))
        .collect();
    let first = d.accuracy_by_week.first().map_or_else(String::new, |w| w.start.clone());
    let last = d.accuracy_by_week.last().map_or_else(String::new, |w| w.start.clone());
    let n = d.accuracy_by_week.len().saturating_sub(1).max(1) as f64;
    let ds = vec![Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(t.accent).data(&points)];
    // No legend box: it would sit over the top of the plot, where a 100% week is drawn.
    frame.render_widget(
        Chart::new(ds)
            .legend_position(None)
            .block(Block::bordered().title(" Accuracy by week, % right "))
            .x_axis(Axis::default().bounds([0.0, n]).labels(vec![Span::raw(first), Span::raw(last)]).style(t.muted))
            .y_axis(
                Axis::default()
                    .bounds([0.0, 100.0])
                    .labels(vec![Span::raw("0"), Span::raw("50"), Span::raw("100")])
                    .style(t.muted),
            ),
        area,
    );
}

fn mock_chart(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let scores: Vec<(f64, f64)> =
        d.exams.iter().enumerate().map(|(i, e)| (i as f64 + 1.0, f64::from(e.scaled))).collect();
    let count = d.exams.len().max(2) as f64;
    let pass = f64::from(PASS_MARK);
    let pass_line = [(1.0, pass), (count, pass)];
    let ds = vec![
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(t.warn).data(&pass_line),
        Dataset::default().marker(Marker::Dot).graph_type(GraphType::Scatter).style(t.good).data(&scores),
    ];
    let title = if d.exams.is_empty() {
        format!(" Mock exams: none yet ({MOCK_MIN_QUESTIONS}+ questions, all topics) ")
    } else {
        format!(" Mock exams ({}): • estimated score · the line is 700, the pass mark ", d.exams.len())
    };
    // Labels evenly spaced in value (every 300) so each sits on its own value's row.
    frame.render_widget(
        Chart::new(ds)
            .legend_position(None)
            .block(Block::bordered().title(title))
            .x_axis(
                Axis::default()
                    .bounds([1.0, count])
                    .labels(vec![Span::raw("1"), Span::raw(format!("{}", d.exams.len().max(1)))])
                    .style(t.muted),
            )
            .y_axis(
                Axis::default()
                    .bounds([100.0, 1000.0])
                    .labels(["100", "400", "700", "1000"].map(Span::raw).to_vec())
                    .style(t.muted),
            ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ratatui's placement, restated: label i of n at `i * (h - 1) / (n - 1)` rows above the
    /// bottom; a Braille point at dot row `round((top - y) * (4h - 1) / range)` from the top.
    #[test]
    fn every_label_sits_on_its_values_row_at_every_height() {
        for rows in 8..60u16 {
            let h = aligned_plot_height(rows);
            assert!(h + CHART_CHROME <= rows);
            for (i, value) in [100.0, 400.0, 700.0, 1000.0].into_iter().enumerate() {
                let label_from_top = (h - 1) - (i as u16 * (h - 1) / 3);
                let dot = ((1000.0 - value) * (4.0 * f64::from(h) - 1.0) / 900.0).round() as u16;
                assert_eq!(dot / 4, label_from_top, "{value} at plot height {h}");
            }
        }
    }
}
