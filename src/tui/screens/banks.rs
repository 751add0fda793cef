//! Choosing which bank to study: the built-in one or a user bank; progress is kept per bank.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use crate::bank::{Bank, ContentSource};
use crate::banks::list;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav};

pub struct BankPicker {
    /// (name, directory; None for the built-in bank)
    pub banks: Vec<(String, Option<std::path::PathBuf>)>,
    pub selected: usize,
}

impl BankPicker {
    pub fn new(ctx: &Ctx) -> BankPicker {
        let mut banks = vec![("builtin".to_string(), None)];
        banks.extend(list(&ctx.env.banks_dir).into_iter().map(|b| (b.name, Some(b.dir))));
        let selected = banks.iter().position(|(n, _)| *n == ctx.bank_name).unwrap_or(0);
        BankPicker { banks, selected }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(self.banks.len() - 1),
            Action::UseBank => {
                let (name, dir) = &self.banks[self.selected];
                let source = dir.clone().map_or(ContentSource::Embedded, ContentSource::Dir);
                match Bank::load(&source) {
                    Ok(bank) => {
                        ctx.switch_bank(bank, name);
                        if let Err(e) = crate::settings::set_bank(&mut ctx.db, name) {
                            ctx.status = Some(e.to_string());
                        } else {
                            ctx.status =
                                Some(format!("Now studying {name}; progress is kept separately for each bank."));
                        }
                        return Nav::Pop;
                    }
                    // A broken user bank is reported, not opened: `gatewise bank check DIR` lists every problem.
                    Err(e) => ctx.status = Some(e.to_string().lines().next().unwrap_or_default().to_string()),
                }
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let items: Vec<ListItem> = self
            .banks
            .iter()
            .map(|(name, dir)| {
                let current = if *name == ctx.bank_name { "● " } else { "  " };
                let where_ =
                    dir.as_ref().map_or_else(|| "bundled with gatewise".to_string(), |d| d.display().to_string());
                ListItem::new(Line::from(vec![
                    Span::styled(current, t.accent),
                    Span::styled(name.clone(), t.text),
                    Span::styled(format!("  {where_}"), t.muted),
                ]))
            })
            .collect();
        let hint = format!(" Add banks with `gatewise bank import … --out {}/NAME` ", ctx.env.banks_dir.display());
        let mut ls = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(
            List::new(items)
                .block(Block::bordered().title(" Banks ").title_bottom(Line::from(hint)))
                .highlight_style(t.selected),
            area,
            &mut ls,
        );
    }
}
