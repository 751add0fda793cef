//! The home screen: the bank's topics with their question counts.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph};

use super::Action;
use crate::bank::Bank;

#[derive(Debug, Default)]
pub struct Home {
    pub selected: usize,
}

impl Home {
    pub fn update(&mut self, action: Action, topics: usize) {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(topics.saturating_sub(1)),
            Action::Quit => {}
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, bank: &Bank, state: &Home) {
    let [title, body, help] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(format!(
            "gatewise — Amazon API Gateway for CLF-C02 · {} questions",
            bank.questions.len()
        )))
        .style(Style::new().add_modifier(Modifier::BOLD)),
        title,
    );
    let items: Vec<ListItem> = bank
        .topics
        .iter()
        .map(|t| ListItem::new(format!("{:<44} {:>3} questions", t.title, bank.questions_in_topic(&t.id).count())))
        .collect();
    let mut list_state = ListState::default().with_selected(Some(state.selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::bordered().title(" Topics "))
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        body,
        &mut list_state,
    );
    frame.render_widget(Paragraph::new("↑/↓ move  q quit"), help);
}
