//! The Lab's scenario list: each scenario with how many of its objectives are met, and the
//! selected one's goal.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::ws::ws_met_in;
use super::{LabScreen, LabWsScreen, met_in};
use crate::lab::catalog::SCENARIOS;
use crate::lab::ws_catalog::WS_SCENARIOS;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};

#[derive(Default)]
pub struct LabList {
    pub selected: usize,
    /// Completions read when the list is shown, not on every frame.
    done: Vec<(String, String)>,
}

impl LabList {
    pub fn new(ctx: &mut Ctx) -> LabList {
        let mut l = LabList::default();
        l.reload(ctx);
        l
    }

    pub(crate) fn reload(&mut self, ctx: &mut Ctx) {
        match crate::progress::lab_completions(&ctx.db) {
            Ok(d) => self.done = d,
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(SCENARIOS.len() + WS_SCENARIOS.len() - 1),
            Action::OpenScenario => {
                if let Some(s) = SCENARIOS.get(self.selected) {
                    let opened = LabScreen::new(ctx, s).map(|l| Nav::Push(Screen::Lab(Box::new(l))));
                    return Nav::or_status(ctx, opened);
                }
                if let Some(s) = WS_SCENARIOS.get(self.selected - SCENARIOS.len()) {
                    let opened = LabWsScreen::new(ctx, s).map(|l| Nav::Push(Screen::LabWs(Box::new(l))));
                    return Nav::or_status(ctx, opened);
                }
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let rest = SCENARIOS.iter().map(|s| (s.title, met_in(&self.done, s).len(), s.objectives.len()));
        let ws = WS_SCENARIOS.iter().map(|s| (s.title, ws_met_in(&self.done, s).len(), s.objectives.len()));
        let items: Vec<ListItem> = rest
            .chain(ws)
            .map(|(title, met, total)| {
                let mark = if met == total { Span::styled("✓ ", t.good) } else { Span::styled("· ", t.muted) };
                ListItem::new(Line::from(vec![
                    mark,
                    Span::styled(title, t.text),
                    Span::styled(format!("  {met}/{total} objectives"), t.muted),
                ]))
            })
            .collect();
        let [list, about] = Layout::vertical([Constraint::Min(5), Constraint::Length(5)]).areas(area);
        let mut ls = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(
            List::new(items)
                .block(Block::bordered().title(" Lab: a sandboxed mini API Gateway "))
                .highlight_style(t.selected),
            list,
            &mut ls,
        );
        let goal = match SCENARIOS.get(self.selected) {
            Some(s) => s.goal,
            None => WS_SCENARIOS.get(self.selected - SCENARIOS.len()).map_or("", |s| s.goal),
        };
        frame.render_widget(
            Paragraph::new(goal).wrap(Wrap { trim: true }).block(Block::bordered().title(" Goal ")),
            about,
        );
    }
}
