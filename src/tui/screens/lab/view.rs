//! The Lab's lower half: the response (JSON pretty-printed, and the live curl command as a
//! copyable block), and the panes (trace, buckets, metrics, access log), which scroll so the
//! cache and throttle lines that are the lesson can be read at 80x24.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::LabScreen;
use crate::gateway::Outcome;
use crate::tui::app::Ctx;
use crate::tui::markdown::wrap_spans;

/// A response body as lines: JSON pretty-printed (two-space indent), anything else as sent.
pub fn body_lines(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let pretty =
        serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok());
    pretty.unwrap_or_else(|| text.into_owned()).lines().map(str::to_string).collect()
}

/// Splits a shell command at spaces outside quotes.
fn shell_words(cmd: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in cmd.chars() {
        match (quote, c) {
            (None, ' ') => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), _) if c == q => {
                quote = None;
                cur.push(c);
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// A command laid out to fit `width`, broken only between words with a ` \` continuation, so
/// the block pastes into a shell as one command however it was wrapped.
pub fn copyable_command(cmd: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in shell_words(cmd) {
        let indent = if lines.is_empty() { 0 } else { 2 };
        if !cur.is_empty() && indent + cur.len() + 1 + w.len() + 2 > width {
            lines.push(format!("{}{cur} \\", " ".repeat(indent)));
            cur.clear();
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&w);
    }
    if !cur.is_empty() {
        let indent = if lines.is_empty() { 0 } else { 2 };
        lines.push(format!("{}{cur}", " ".repeat(indent)));
    }
    lines
}

impl LabScreen {
    pub(super) fn render_response(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let w = usize::from(area.width.saturating_sub(2));
        let mut lines = Vec::new();
        if let Some(cmd) = &self.live_curl {
            lines.push(Line::from(Span::styled("From another terminal (copy as is):", t.warn)));
            lines.extend(copyable_command(cmd, w).into_iter().map(|l| Line::from(Span::styled(l, t.accent))));
            lines.push(Line::default());
        }
        match self.lab.history.last() {
            None => lines.push(Line::from(Span::styled("Press Enter to send the request, f to fire 10.", t.muted))),
            Some(ex) => {
                let st = ex.response.status;
                let style = if st < 300 {
                    t.good
                } else if st < 500 {
                    t.warn
                } else {
                    t.bad
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("HTTP {st}"), style),
                    Span::styled(format!("  {} sent", crate::text::plural(self.lab.history.len(), "request")), t.muted),
                ]));
                // A long body is cut to its first lines: the headers below matter as much.
                let body = body_lines(&ex.response.body);
                let shown = body.len().min(40);
                lines.extend(body.iter().take(shown).map(|l| Line::from(Span::raw(l.clone()))));
                if body.len() > shown {
                    lines.push(Line::from(Span::styled(format!("… {} more lines", body.len() - shown), t.muted)));
                }
                lines.push(Line::default());
                for (k, v) in &ex.response.headers {
                    lines.push(Line::from(vec![Span::styled(format!("{k}: "), t.muted), Span::raw(v.clone())]));
                }
            }
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Response ")),
            area,
        );
    }

    /// Draws the selected pane, scrolled; returns how far it can scroll.
    pub(super) fn render_pane(&self, frame: &mut Frame, body: Rect, ctx: &Ctx) -> u16 {
        use super::Pane;
        let t = &ctx.theme;
        let lines = match self.pane {
            Pane::Trace => self.trace_lines(ctx, body.width),
            Pane::Buckets => self.bucket_lines(ctx, body.width),
            Pane::Metrics => self.metric_lines(ctx),
            Pane::Log => {
                let h = usize::from(body.height.saturating_sub(2));
                let log = self.with_gateway(|g, _| g.access_log_tail(h));
                log.into_iter().map(|l| Line::from(Span::styled(l, t.text))).collect()
            }
        };
        // Lines are wrapped here (not by the Paragraph) so the scroll range is known.
        let w = usize::from(body.width.saturating_sub(2)).max(1);
        let lines: Vec<Line> = lines
            .into_iter()
            .flat_map(|l| if l.width() <= w { vec![l] } else { wrap_spans(&[], &[], &l.spans, w) })
            .collect();
        let inner = body.height.saturating_sub(2);
        let max = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_sub(inner);
        let scroll = self.pane_scroll.min(max);
        let title = if max > 0 {
            format!(" ↑/↓ scroll · lines {}–{} of {} ", scroll + 1, (scroll + inner).min(max + inner), max + inner)
        } else {
            String::new()
        };
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(Block::bordered().title(title)), body);
        max
    }

    fn trace_lines(&self, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let Some(ex) = self.lab.history.last() else {
            return vec![Line::from(Span::styled("No request yet.", t.muted))];
        };
        let mut lines = vec![Line::from(Span::styled(
            format!("{} {} · {}", ex.trace.method, ex.trace.path, ex.trace.request_id),
            t.muted,
        ))];
        for step in &ex.trace.steps {
            let style = match step.outcome {
                Outcome::Passed => t.good,
                Outcome::Skipped => t.muted,
                Outcome::Rejected => t.warn,
                Outcome::Failed => t.bad,
            };
            let head = format!("{} {:<12} ", step.outcome.symbol(), step.phase.label());
            let indent = " ".repeat(15);
            lines.extend(wrap_spans(
                &[Span::styled(head, style)],
                &[Span::raw(indent)],
                &[Span::styled(step.detail.clone(), if step.outcome == Outcome::Skipped { t.muted } else { t.text })],
                usize::from(width.saturating_sub(2)),
            ));
        }
        lines
    }

    fn bucket_lines(&self, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let bar_w = usize::from(width.saturating_sub(4)).clamp(4, 30);
        let mut lines = Vec::new();
        let (buckets, quotas) = self.with_gateway(|g, now| (g.bucket_levels(now), g.quota_usage(now)));
        for b in buckets {
            let frac = if b.burst > 0.0 { (b.tokens / b.burst).clamp(0.0, 1.0) } else { 0.0 };
            let filled = (frac * bar_w as f64).round() as usize;
            lines.push(Line::from(Span::styled(b.label.clone(), t.text)));
            lines.push(Line::from(vec![
                Span::styled("█".repeat(filled), if frac < 0.2 { t.bad } else { t.good }),
                Span::styled("░".repeat(bar_w - filled), t.muted),
                Span::styled(format!(" {:.1}/{} tokens, +{}/s", b.tokens, b.burst, b.rate), t.muted),
            ]));
        }
        for (key, used, limit) in quotas {
            lines.push(Line::from(vec![
                Span::styled(format!("quota for {key}: "), t.text),
                Span::styled(format!("{used} of {limit} used"), t.accent),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::from(Span::styled("No buckets yet: send a request.", t.muted)));
        }
        lines
    }

    fn metric_lines(&self, ctx: &Ctx) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let m = self.with_gateway(|g, _| g.metrics());
        let mut lines =
            vec![Line::from(Span::styled("minute (UTC)  Count 4XX 5XX  Latency  IntLat  Hit Miss", t.muted))];
        for d in m.totals() {
            let avg = |a: Option<f64>| a.map_or_else(|| "-".to_string(), |a| format!("{a:.0}"));
            let minute = d.minute.iso8601();
            lines.push(Line::from(format!(
                "{:<13} {:>5} {:>3} {:>3} {:>8} {:>7} {:>4} {:>4}",
                minute.get(11..16).unwrap_or(&minute),
                d.count,
                d.error_4xx,
                d.error_5xx,
                avg(d.latency_ms.average()),
                avg(d.integration_latency_ms.average()),
                d.cache_hit_count,
                d.cache_miss_count
            )));
        }
        lines.push(Line::from(Span::styled(
            "Per-minute sums like CloudWatch's ApiName+Stage series; latencies are averages in ms.",
            t.muted,
        )));
        lines
    }
}
