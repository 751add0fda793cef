//! Drawing the frame: title bar, the current screen, the help bar, and the `?` overlay.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{App, MIN_HEIGHT, MIN_WIDTH, Screen};
use super::keymap;
use super::screens::{home, practice};

/// The area screens draw in: everything but the title and help bars.
pub(crate) fn body_area(size: Rect) -> Rect {
    let [_, body, _] = Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(size);
    body
}

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = &app.ctx.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "gatewise needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}. Enlarge it, or press q to quit.",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(msg).style(theme.warn).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let screen = app.screen();
    let title = Line::from(vec![
        Span::styled(" gatewise ", theme.title),
        Span::styled("· Amazon API Gateway for CLF-C02 · ", theme.muted),
        Span::styled(screen.title(), theme.accent),
    ]);
    frame.render_widget(Paragraph::new(title), top);
    match screen {
        Screen::Home(s) => home::render(frame, body, s, &app.ctx),
        Screen::Study(s) => s.render(frame, body, &app.ctx),
        Screen::Note(s) => s.render(frame, body, &app.ctx),
        Screen::Setup(s) => s.render(frame, body, &app.ctx),
        Screen::Practice(s) => s.render(frame, body, &app.ctx),
        Screen::Summary(s) => practice::render_summary(frame, body, s, &app.ctx),
        Screen::ExamStart(s) => s.render(frame, body, &app.ctx),
        Screen::Exam(s) => s.render(frame, body, &app.ctx),
        Screen::Results(s) => s.render(frame, body, &app.ctx),
        Screen::Review(s) => s.render(frame, body, &app.ctx),
        Screen::LabList(s) => s.render(frame, body, &app.ctx),
        Screen::Banks(s) => s.render(frame, body, &app.ctx),
        Screen::Lab(s) => s.render(frame, body, &app.ctx),
        Screen::LabWs(s) => s.render(frame, body, &app.ctx),
    }
    let bar = match &app.ctx.status {
        Some(msg) => Line::from(Span::styled(msg.clone(), theme.warn)),
        None => Line::from(Span::styled(keymap::help_bar(app.context()), theme.muted)),
    };
    frame.render_widget(Paragraph::new(bar), bottom);
    if app.help {
        render_help(frame, body, app);
    }
}

/// The overlay's title names the keys that close it; `App::on_action` closes it on exactly those.
pub(crate) const HELP_TITLE: &str = " Keys (? or Esc closes) ";

fn render_help(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.ctx.theme;
    let lines: Vec<Line> = keymap::bindings(app.context())
        .iter()
        .map(|b| Line::from(vec![Span::styled(format!("{:>10}  ", b.label), theme.accent), Span::raw(b.help())]))
        .collect();
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 44.min(area.width);
    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(HELP_TITLE)), popup);
}
